"""Register the best model of a collection."""

import argparse
import os
import sys

import wandb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("collection")
    parser.add_argument("--metric", required=True)
    parser.add_argument("--goal", choices=["maximize", "minimize"], required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--alias", required=True)
    args = parser.parse_args()
    if not os.environ.get("WANDB_API_KEY"):
        sys.exit("WANDB_API_KEY is not set")

    api = wandb.Api()
    versions = api.artifact_collection("model", args.collection).artifacts()
    sign = 1 if args.goal == "maximize" else -1
    best = max(versions, key=lambda a: (sign * a.metadata[args.metric], int(a.version[1:])))
    entity = args.collection.split("/")[0]
    best.link(f"{entity}/model-registry/{args.registry}", aliases=[args.alias])
    print(f"registered {best.name}")


if __name__ == "__main__":
    main()
