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
    entity = args.collection.split("/")[0]
    target = f"{entity}/model-registry/{args.registry}"
    best_value = None
    best_version = -1
    for artifact in api.artifact_collection("model", args.collection).artifacts():
        value = artifact.metadata.get(args.metric)
        if value is None:
            continue
        number = int(artifact.version[1:])
        better = best_value is None or (
            value > best_value if args.goal == "maximize" else value < best_value
        )
        if better or (value == best_value and number > best_version):
            best_value, best_version = value, number
            artifact.link(target, aliases=[args.alias])
            print(f"new best: {artifact.name}")


if __name__ == "__main__":
    main()
