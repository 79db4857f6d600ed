"""Exercise 17: check that the run's weights load into MyAwesomeModel, then register them."""
import argparse
import sys
import tempfile
from pathlib import Path

import mlflow
import torch
from mlflow import MlflowClient

from my_project.model import MyAwesomeModel


def weights_load(run_id: str) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        local = mlflow.artifacts.download_artifacts(
            run_id=run_id, artifact_path="model", dst_path=folder
        )
        state = torch.load(Path(local) / "model.pth", weights_only=True)
        MyAwesomeModel().load_state_dict(state)
    return True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_id")
    parser.add_argument("name")
    parser.add_argument("--alias", action="append", dest="aliases", required=True)
    args = parser.parse_args()

    if not weights_load(args.run_id):
        return 1
    client = MlflowClient()
    existing = client.search_registered_models(filter_string=f"name = '{args.name}'")
    if not existing:
        client.create_registered_model(args.name)
    mv = client.create_model_version(args.name, f"runs:/{args.run_id}/model", args.run_id)
    for alias in args.aliases:
        client.set_registered_model_alias(args.name, alias, mv.version)
        print(f"models:/{args.name}@{alias} -> version {mv.version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
