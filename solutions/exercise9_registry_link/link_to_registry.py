"""Reference solution, exercise 9: link an existing artifact into a model registry.

    python link_to_registry.py ENTITY/PROJECT/ARTIFACT:VERSION REGISTRY_NAME [--alias ALIAS ...]

The API key is read from the environment (WANDB_API_KEY), possibly from a .env file.
"""

import argparse
import os
import sys

import wandb
from dotenv import find_dotenv, load_dotenv


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Link a W&B artifact into a model registry.")
    parser.add_argument("artifact", help="ENTITY/PROJECT/ARTIFACT:VERSION")
    parser.add_argument("registry", help="name of the registry collection")
    parser.add_argument(
        "--alias", action="append", dest="aliases", help="alias for the linked version (repeatable)"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    # A .env file may hold the key; a variable already set in the environment wins.
    load_dotenv(find_dotenv(usecwd=True))
    if not os.environ.get("WANDB_API_KEY"):
        sys.exit("error: WANDB_API_KEY is not set (export it, or put it in a .env file)")

    api = wandb.Api()
    artifact = api.artifact(args.artifact)
    # The registry lives in the entity that owns the artifact (often a team, not your own).
    entity = args.artifact.split("/")[0]
    target = f"{entity}/model-registry/{args.registry}"
    aliases = args.aliases or ["latest"]
    artifact.link(target, aliases=aliases)
    print(f"linked {args.artifact} to {target} with aliases {', '.join(aliases)}")


if __name__ == "__main__":
    main()
