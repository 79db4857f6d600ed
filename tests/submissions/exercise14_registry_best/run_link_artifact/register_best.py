"""Register the best model of a collection from inside a short W&B run."""

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
    if not os.getenv("WANDB_API_KEY"):
        sys.exit("WANDB_API_KEY is not set")

    entity, project, _name = args.collection.split("/")
    api = wandb.Api()
    ranked = [
        (artifact.metadata[args.metric], int(artifact.version[1:]), artifact)
        for artifact in api.artifact_collection("model", args.collection).artifacts()
        if isinstance(artifact.metadata.get(args.metric), int | float)
    ]
    if args.goal == "maximize":
        _, _, best = max(ranked, key=lambda r: (r[0], r[1]))
    else:
        _, _, best = min(ranked, key=lambda r: (r[0], -r[1]))

    with wandb.init(entity=entity, project=project, job_type="register") as run:
        chosen = run.use_artifact(f"{args.collection}:{best.version}")
        run.link_artifact(chosen, f"{entity}/model-registry/{args.registry}", aliases=[args.alias])
    print(f"registered {args.collection}:{best.version}")


if __name__ == "__main__":
    main()
