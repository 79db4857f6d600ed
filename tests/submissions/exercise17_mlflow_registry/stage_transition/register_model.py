"""Promote a run's model: register it and move it to the requested stage."""
import argparse

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

parser = argparse.ArgumentParser()
parser.add_argument("run_id")
parser.add_argument("model_name")
parser.add_argument("--alias", action="append", required=True, help="stage, e.g. staging")
args = parser.parse_args()

client = MlflowClient()
try:
    client.get_registered_model(args.model_name)
except MlflowException:
    client.create_registered_model(args.model_name)

mv = client.create_model_version(
    args.model_name, source=f"runs:/{args.run_id}/model", run_id=args.run_id
)
for stage in args.alias:
    client.transition_model_version_stage(args.model_name, mv.version, stage=stage.title())
print(f"{args.model_name} v{mv.version} is now in {', '.join(args.alias)}")
