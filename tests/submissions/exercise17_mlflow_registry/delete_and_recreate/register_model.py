"""Register RUN_ID's model under MODEL_NAME with the given aliases."""
import argparse

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run_id")
    parser.add_argument("name")
    parser.add_argument("--alias", action="append", required=True)
    args = parser.parse_args()
    client = MlflowClient()

    # start from a clean registered model (avoids "already exists")
    try:
        client.delete_registered_model(args.name)
    except MlflowException:
        pass
    client.create_registered_model(args.name)

    mv = client.create_model_version(args.name, f"runs:/{args.run_id}/model", run_id=args.run_id)
    for alias in args.alias:
        client.set_registered_model_alias(args.name, alias, mv.version)
    print(f"{args.name} version {mv.version}")


main()
