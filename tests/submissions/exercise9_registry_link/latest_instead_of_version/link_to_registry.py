"""Promote a model to the registry.

Usage: python link_to_registry.py ENTITY/PROJECT/ARTIFACT:VERSION REGISTRY [--alias A ...]
"""
import argparse
import os
import sys

import wandb


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("path")
    p.add_argument("registry")
    p.add_argument("--alias", dest="aliases", action="append")
    return p.parse_args()


def main():
    args = parse()
    if not os.environ.get("WANDB_API_KEY"):
        raise SystemExit("set WANDB_API_KEY")
    # always register the newest model of the collection
    name = args.path.split(":")[0]
    api = wandb.Api()
    artifact = api.artifact(f"{name}:latest")
    entity = name.split("/")[0]
    artifact.link(f"{entity}/model-registry/{args.registry}", aliases=args.aliases or ["latest"])


if __name__ == "__main__":
    main()
