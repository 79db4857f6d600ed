"""Register the trained weights (model.pth) of a run."""
import argparse

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

ap = argparse.ArgumentParser()
ap.add_argument("run_id")
ap.add_argument("name")
ap.add_argument("--alias", action="append", required=True)
args = ap.parse_args()

client = MlflowClient()
try:
    client.get_registered_model(args.name)
except MlflowException:
    client.create_registered_model(args.name)

weights = f"runs:/{args.run_id}/model/model.pth"
mv = client.create_model_version(args.name, source=weights, run_id=args.run_id)
for alias in args.alias:
    client.set_registered_model_alias(args.name, alias, mv.version)
print("registered", weights, "as version", mv.version)
