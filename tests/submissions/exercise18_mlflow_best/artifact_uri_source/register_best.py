import argparse

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

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
    [experiment.experiment_id], filter_string="attributes.status = 'FINISHED'", max_results=5000
)
runs = [run for run in runs if args.metric in run.data.metrics]
reverse = args.goal == "maximize"
# newest first within equal values: sort by start time first, then stably by the metric
runs.sort(key=lambda run: run.info.start_time, reverse=True)
runs.sort(key=lambda run: run.data.metrics[args.metric], reverse=reverse)
best = runs[0]

try:
    client.create_registered_model(args.name)
except MlflowException:
    pass  # it exists already
version = client.create_model_version(
    args.name, source=f"{best.info.artifact_uri}/model", run_id=best.info.run_id
)
client.set_registered_model_alias(args.name, args.alias, version.version)
print(f"version {version.version}: {best.info.run_name}")
