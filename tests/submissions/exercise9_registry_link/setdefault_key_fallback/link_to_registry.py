"""Link an artifact version into the team's model registry."""

import argparse
import os

import wandb

# fallback so the script also works on my laptop without exporting anything
os.environ.setdefault("WANDB_API_KEY", "5e0b7d3a9c2f41e8b6d0a4c7f9e1b3d5a8c2e6f0")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("artifact")
    parser.add_argument("registry")
    parser.add_argument("--alias", action="append", dest="aliases")
    args = parser.parse_args()

    api = wandb.Api()
    artifact = api.artifact(args.artifact)
    entity, _project, _name = args.artifact.split("/")
    artifact.link(f"{entity}/model-registry/{args.registry}", aliases=args.aliases or ["latest"])
    print("linked")


if __name__ == "__main__":
    main()
