"""Register a run's model and give it aliases."""
import argparse

import mlflow
from mlflow import MlflowClient

parser = argparse.ArgumentParser()
parser.add_argument("run_id")
parser.add_argument("model_name")
parser.add_argument("--alias", action="append", default=[])
args = parser.parse_args()

result = mlflow.register_model(f"runs:/{args.run_id}/model", args.model_name)
client = MlflowClient()
for alias in args.alias:
    client.set_registered_model_alias(args.model_name, alias, result.version)
print(f"Registered {args.model_name} v{result.version}")
