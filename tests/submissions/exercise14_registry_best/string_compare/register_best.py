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
    scored = [a for a in versions if args.metric in a.metadata]
    pick = max if args.goal == "maximize" else min
    best = pick(scored, key=lambda a: str(a.metadata[args.metric]))
    entity = args.collection.split("/")[0]
    best.link(f"{entity}/model-registry/{args.registry}", aliases=[args.alias])
    print(f"registered {best.name}")


if __name__ == "__main__":
    main()
