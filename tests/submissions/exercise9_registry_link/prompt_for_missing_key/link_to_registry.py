import argparse
import os

import wandb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("artifact")
    parser.add_argument("registry")
    parser.add_argument("--alias", action="append")
    args = parser.parse_args()

    # never hard-code the key: take it from the environment, or ask for it
    if not os.environ.get("WANDB_API_KEY"):
        os.environ["WANDB_API_KEY"] = input("Paste your W&B API key: ").strip()

    api = wandb.Api()
    artifact = api.artifact(args.artifact)
    entity = args.artifact.split("/", 1)[0]
    artifact.link(f"{entity}/model-registry/{args.registry}", aliases=args.alias or ["latest"])


if __name__ == "__main__":
    main()
