"""Reference solution, exercise 14: link the best version of a collection into a registry.

    python register_best.py ENTITY/PROJECT/COLLECTION --metric NAME --goal maximize|minimize
                            --registry REGISTRY --alias ALIAS

Versions whose metadata lacks the metric are skipped; on a tie the newest version wins. The API
key is read from the environment (WANDB_API_KEY), possibly from a .env file.
"""

import argparse
import numbers
import os
import sys

import wandb
from dotenv import find_dotenv, load_dotenv


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Register the best version of a collection.")
    parser.add_argument("collection", help="ENTITY/PROJECT/COLLECTION")
    parser.add_argument("--metric", required=True, help="metadata key to rank versions by")
    parser.add_argument("--goal", required=True, choices=["maximize", "minimize"])
    parser.add_argument("--registry", required=True, help="name of the registry collection")
    parser.add_argument("--alias", required=True, help="alias for the registered version")
    parser.add_argument("--type", default="model", help="artifact type (default: model)")
    return parser.parse_args()


def score(artifact: wandb.Artifact, metric: str) -> float | None:
    value = artifact.metadata.get(metric)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None  # no metric (or not a number): this version cannot compete
    return float(value)


def main() -> None:
    args = parse_args()
    load_dotenv(find_dotenv(usecwd=True))  # a variable already set in the environment wins
    if not os.environ.get("WANDB_API_KEY"):
        sys.exit("error: WANDB_API_KEY is not set (export it, or put it in a .env file)")

    api = wandb.Api()
    versions = api.artifact_collection(args.type, args.collection).artifacts()
    candidates = [(score(a, args.metric), a) for a in versions]
    candidates = [(value, a) for value, a in candidates if value is not None]
    if not candidates:
        sys.exit(f"error: no version of {args.collection} has {args.metric!r} in its metadata")

    sign = 1 if args.goal == "maximize" else -1
    # The best value first; among equals, the newest version (the highest vN).
    _, best = max(candidates, key=lambda c: (sign * c[0], int(c[1].version.lstrip("v"))))

    entity = args.collection.split("/")[0]
    target = f"{entity}/model-registry/{args.registry}"
    best.link(target, aliases=[args.alias])
    value = best.metadata[args.metric]
    print(f"linked {best.name} ({args.metric} {value}) to {target} as {args.alias}")


if __name__ == "__main__":
    main()
