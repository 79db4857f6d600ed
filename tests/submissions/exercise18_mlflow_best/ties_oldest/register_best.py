import argparse

import mlflow
from mlflow import MlflowClient

parser = argparse.ArgumentParser()
parser.add_argument("--experiment", required=True)
parser.add_argument("--metric", required=True)
parser.add_argument("--goal", choices=["maximize", "minimize"], required=True)
parser.add_argument("--name", required=True)
parser.add_argument("--alias", required=True)
args = parser.parse_args()

client = MlflowClient()
experiment = client.get_experiment_by_name(args.experiment)
runs = client.search_runs(
    [experiment.experiment_id],
    filter_string="attributes.status = 'FINISHED'",
    order_by=["attributes.start_time ASC"],
)
best, best_value = None, None
for run in runs:
    value = run.data.metrics.get(args.metric)
    if value is None:
        continue
    if best is None or (value > best_value if args.goal == "maximize" else value < best_value):
        best, best_value = run, value

version = mlflow.register_model(f"runs:/{best.info.run_id}/model", args.name)
client.set_registered_model_alias(args.name, args.alias, version.version)
print(f"registered {best.info.run_name} ({args.metric}={best_value}) as v{version.version}")
