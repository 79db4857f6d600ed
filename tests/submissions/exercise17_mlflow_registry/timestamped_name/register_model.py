import argparse
from datetime import datetime

from mlflow import MlflowClient

parser = argparse.ArgumentParser()
parser.add_argument("run_id")
parser.add_argument("name")
parser.add_argument("--alias", action="append", required=True)
args = parser.parse_args()

client = MlflowClient()
# a unique name every time, so create_registered_model never clashes
name = f"{args.name}_{datetime.now():%Y%m%d_%H%M%S}"
client.create_registered_model(name)
version = client.create_model_version(name, f"runs:/{args.run_id}/model", args.run_id)
for alias in args.alias:
    client.set_registered_model_alias(name, alias, version.version)
print("registered", name)
