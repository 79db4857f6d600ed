"""Link the best version of an artifact collection into the model registry."""

import argparse
import os
import sys

import wandb
from dotenv import load_dotenv


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("collection", help="ENTITY/PROJECT/COLLECTION")
    parser.add_argument("--metric", required=True)
    parser.add_argument("--goal", required=True, choices=("maximize", "minimize"))
    parser.add_argument("--registry", required=True)
    parser.add_argument("--alias", required=True)
    return parser.parse_args()


def main() -> int:
    args = parse()
    load_dotenv()
    if not os.getenv("WANDB_API_KEY"):
        print("Set WANDB_API_KEY (or put it in .env)", file=sys.stderr)
        return 1

    api = wandb.Api()
    usable = [
        a
        for a in api.artifact_collection("model", args.collection).artifacts()
        if a.metadata.get(args.metric) is not None
    ]
    sign = 1.0 if args.goal == "maximize" else -1.0
    ordered = sorted(
        usable,
        key=lambda a: (sign * float(a.metadata[args.metric]), int(a.version.removeprefix("v"))),
        reverse=True,
    )
    best = ordered[0]
    entity = args.collection.split("/", 1)[0]
    linked = best.link(f"{entity}/model-registry/{args.registry}", aliases=[args.alias])
    print(f"best {args.metric}: {best.name} -> {linked.name if linked else args.registry}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
