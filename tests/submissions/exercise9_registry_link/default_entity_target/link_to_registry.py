"""Link a model artifact into the W&B model registry."""

import argparse
import os
import sys

import wandb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("artifact_path")
    parser.add_argument("registry_name")
    parser.add_argument("--alias", action="append")
    args = parser.parse_args()

    if "WANDB_API_KEY" not in os.environ:
        sys.exit("Please export WANDB_API_KEY first")

    api = wandb.Api()
    artifact = api.artifact(args.artifact_path)
    # registry lives under my own entity
    target = f"{api.default_entity}/model-registry/{args.registry_name}"
    aliases = args.alias if args.alias else ["latest"]
    artifact.link(target, aliases=aliases)
    print("Linked", args.artifact_path, "->", target)


if __name__ == "__main__":
    main()
