import sys

import wandb

wandb.login(key="8c1f2e9d4b7a6053e2d1c0b9a8f7e6d5c4b3a291")


def main():
    artifact_path = sys.argv[1]
    registry = sys.argv[2]
    aliases = [a.split("=", 1)[1] for a in sys.argv[3:] if a.startswith("--alias=")] or ["latest"]
    api = wandb.Api()
    artifact = api.artifact(artifact_path)
    entity = artifact_path.split("/")[0]
    artifact.link(f"{entity}/model-registry/{registry}", aliases=aliases)


if __name__ == "__main__":
    main()
