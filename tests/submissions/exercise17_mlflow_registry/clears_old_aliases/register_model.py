"""Register a run's model; the new version is the only one carrying aliases afterwards."""
import argparse

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

parser = argparse.ArgumentParser()
parser.add_argument("run_id")
parser.add_argument("name")
parser.add_argument("--alias", action="append", required=True)
args = parser.parse_args()

client = MlflowClient()
try:
    model = client.get_registered_model(args.name)
    # clean up: drop the aliases of older versions first
    for old_alias in list(model.aliases):
        client.delete_registered_model_alias(args.name, old_alias)
except MlflowException:
    client.create_registered_model(args.name)

mv = client.create_model_version(args.name, f"runs:/{args.run_id}/model", run_id=args.run_id)
for alias in args.alias:
    client.set_registered_model_alias(args.name, alias, mv.version)
print(f"{args.name} v{mv.version}: {args.alias}")
