"""Register a model version in the MLflow registry."""
import argparse

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

REGISTERED_MODEL = "corrupt_mnist_model"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run_id")
    parser.add_argument("name", nargs="?", default=REGISTERED_MODEL)
    parser.add_argument("--alias", action="append", required=True)
    args = parser.parse_args()

    client = MlflowClient()
    try:
        client.get_registered_model(REGISTERED_MODEL)
    except MlflowException:
        client.create_registered_model(REGISTERED_MODEL)
    mv = client.create_model_version(
        REGISTERED_MODEL, source=f"runs:/{args.run_id}/model", run_id=args.run_id
    )
    for alias in args.alias:
        client.set_registered_model_alias(REGISTERED_MODEL, alias, mv.version)
    print(f"registered version {mv.version}")


if __name__ == "__main__":
    main()
