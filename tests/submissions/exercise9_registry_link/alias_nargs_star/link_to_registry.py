"""python link_to_registry.py ENTITY/PROJECT/ARTIFACT:VERSION REGISTRY_NAME [--alias ALIAS ...]"""
import argparse
import os
import sys

import wandb


def get_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("artifact")
    parser.add_argument("registry")
    parser.add_argument("--alias", nargs="*", default=["latest"])
    return parser.parse_args()


def main():
    args = get_args()
    if not os.environ.get("WANDB_API_KEY"):
        print("error: WANDB_API_KEY not set", file=sys.stderr)
        sys.exit(2)
    api = wandb.Api()
    artifact = api.artifact(args.artifact)
    target = "/".join([args.artifact.split("/")[0], "model-registry", args.registry])
    artifact.link(target, aliases=args.alias)


if __name__ == "__main__":
    main()
