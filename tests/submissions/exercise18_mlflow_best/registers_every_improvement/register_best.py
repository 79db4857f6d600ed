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
best = None
for run in client.search_runs([experiment.experiment_id], "attributes.status = 'FINISHED'"):
    value = run.data.metrics.get(args.metric)
    if value is None:
        continue
    better = best is None or (value > best if args.goal == "maximize" else value < best)
    if better:
        best = value
        mv = mlflow.register_model(f"runs:/{run.info.run_id}/model", args.name)
        client.set_registered_model_alias(args.name, args.alias, mv.version)
        print("new best", run.info.run_name, value)
