"""Put the latest training run into the model registry."""
import argparse

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("run_id", help="run to register (defaults to the latest)")
    p.add_argument("name")
    p.add_argument("--alias", action="append", required=True)
    return p.parse_args()


def main():
    args = get_args()
    client = MlflowClient()
    # always take the most recent training run of the experiment
    runs = mlflow.search_runs(
        experiment_names=["corrupt_mnist"], order_by=["start_time DESC"], max_results=1
    )
    run_id = runs.iloc[0]["run_id"]
    try:
        client.get_registered_model(args.name)
    except MlflowException:
        client.create_registered_model(args.name)
    version = client.create_model_version(args.name, f"runs:/{run_id}/model", run_id=run_id)
    for alias in args.alias:
        client.set_registered_model_alias(args.name, alias, version.version)
    print(f"registered run {run_id} as {args.name} version {version.version}")


if __name__ == "__main__":
    main()
