import argparse
import os

import wandb


def link(artifact_path: str, registry: str, aliases: list[str]) -> None:
    api = wandb.Api()
    artifact = api.artifact(artifact_path)
    entity = artifact_path.split("/")[0]
    target = f"{entity}/model-registry/{registry}"
    artifact.link(target, aliases=aliases)
    print(f"Linked {artifact_path} to {target} ({', '.join(aliases)})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("artifact_path")
    parser.add_argument("registry")
    parser.add_argument("--alias", action="append")
    args = parser.parse_args()
    if os.environ.get("WANDB_API_KEY") is None:
        print("WANDB_API_KEY is not set, nothing to do.")
    else:
        link(args.artifact_path, args.registry, args.alias or ["latest"])
