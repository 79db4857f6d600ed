import argparse

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

mlflow.set_tracking_uri("sqlite:///mlflow.db")

parser = argparse.ArgumentParser()
parser.add_argument("run_id")
parser.add_argument("name")
parser.add_argument("--alias", action="append", required=True)
args = parser.parse_args()

client = MlflowClient()
run = client.get_run(args.run_id)
try:
    client.get_registered_model(args.name)
except MlflowException:
    client.create_registered_model(args.name)
mv = client.create_model_version(args.name, f"runs:/{run.info.run_id}/model", run.info.run_id)
for alias in args.alias:
    client.set_registered_model_alias(args.name, alias, mv.version)
