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
    versions = sorted(
        api.artifact_collection("model", args.collection).artifacts(),
        key=lambda a: int(a.version[1:]),
    )
    best = None
    for artifact in versions:
        value = artifact.metadata.get(args.metric)
        if value is None:
            continue
        if best is None:
            best = artifact
            continue
        current = best.metadata[args.metric]
        if (args.goal == "maximize" and value > current) or (
            args.goal == "minimize" and value < current
        ):
            best = artifact
    entity = args.collection.split("/")[0]
    best.link(f"{entity}/model-registry/{args.registry}", aliases=[args.alias])
    print(f"registered {best.name}")


if __name__ == "__main__":
    main()
