import argparse

import mlflow
from mlflow import MlflowClient

mlflow.set_tracking_uri("sqlite:///mlflow.db")

parser = argparse.ArgumentParser()
parser.add_argument("--experiment", required=True)
parser.add_argument("--metric", required=True)
parser.add_argument("--goal", choices=["maximize", "minimize"], required=True)
parser.add_argument("--name", required=True)
parser.add_argument("--alias", required=True)
args = parser.parse_args()

client = MlflowClient()
experiment = client.get_experiment_by_name(args.experiment)
runs = client.search_runs([experiment.experiment_id], "attributes.status = 'FINISHED'")
runs = [r for r in runs if args.metric in r.data.metrics]
sign = 1 if args.goal == "maximize" else -1
best = max(runs, key=lambda r: sign * r.data.metrics[args.metric])
version = mlflow.register_model(f"runs:/{best.info.run_id}/model", args.name)
client.set_registered_model_alias(args.name, args.alias, version.version)
