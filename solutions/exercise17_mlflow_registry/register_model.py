"""Reference solution, exercise 17: register a training run's model in MLflow's model registry
and point one or more aliases at the new version.

    python register_model.py RUN_ID MODEL_NAME --alias ALIAS [--alias ALIAS ...]

The tracking store (and with it the registry) comes from MLFLOW_TRACKING_URI.
"""

import argparse
import sys

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

MODEL_FOLDER = "model"  # the run's artifact folder holding model.pth


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Register a run's model and set aliases.")
    parser.add_argument("run_id", help="ID of the training run whose model is registered")
    parser.add_argument("name", help="name of the registered model")
    parser.add_argument(
        "--alias",
        action="append",
        dest="aliases",
        required=True,
        help="alias to point at the new version (repeatable)",
    )
    return parser.parse_args()


def ensure_registered_model(client: MlflowClient, name: str) -> None:
    """Create the registered model unless it exists already (its versions are kept)."""
    try:
        client.get_registered_model(name)
    except MlflowException as error:
        if error.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        client.create_registered_model(name)


def main() -> None:
    args = parse_args()
    client = MlflowClient()  # reads MLFLOW_TRACKING_URI
    run = client.get_run(args.run_id)
    files = {item.path for item in client.list_artifacts(run.info.run_id, MODEL_FOLDER)}
    if f"{MODEL_FOLDER}/model.pth" not in files:
        sys.exit(f"error: run {args.run_id} has no {MODEL_FOLDER}/model.pth among its artifacts")

    ensure_registered_model(client, args.name)
    # A plain artifact folder (not an MLflow-logged model): create_model_version accepts it,
    # and run_id links the version back to its training run.
    version = client.create_model_version(
        name=args.name,
        source=f"runs:/{run.info.run_id}/{MODEL_FOLDER}",
        run_id=run.info.run_id,
    )
    for alias in args.aliases:
        # Setting an alias that exists moves it to this version.
        client.set_registered_model_alias(args.name, alias, version.version)
    print(f"registered {args.name} version {version.version}, aliases {', '.join(args.aliases)}")


if __name__ == "__main__":
    main()
