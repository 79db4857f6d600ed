"""Link a model artifact into ENTITY/model-registry/REGISTRY_NAME.

Put your key in .env (WANDB_API_KEY=...) or export it; the .env in the repo is only a template.
"""
import argparse
import os
import sys

import wandb
from dotenv import load_dotenv


def main():
    load_dotenv()  # an exported WANDB_API_KEY is kept: load_dotenv does not override
    parser = argparse.ArgumentParser()
    parser.add_argument("artifact")
    parser.add_argument("registry")
    parser.add_argument("--alias", action="append")
    args = parser.parse_args()

    if not os.environ.get("WANDB_API_KEY"):
        sys.exit("WANDB_API_KEY is not set")

    api = wandb.Api()
    artifact = api.artifact(args.artifact)
    entity = args.artifact.split("/")[0]
    artifact.link(f"{entity}/model-registry/{args.registry}", aliases=args.alias or ["latest"])
    print("ok")


if __name__ == "__main__":
    main()
