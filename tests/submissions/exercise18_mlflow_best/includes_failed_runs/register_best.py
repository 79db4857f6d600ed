import argparse

import mlflow
from mlflow.tracking import MlflowClient

parser = argparse.ArgumentParser(description="register the best run")
parser.add_argument("--experiment", required=True)
parser.add_argument("--metric", required=True)
parser.add_argument("--goal", choices=["maximize", "minimize"], required=True)
parser.add_argument("--name", required=True)
parser.add_argument("--alias", required=True)
args = parser.parse_args()

client = MlflowClient()
experiment = client.get_experiment_by_name(args.experiment)
direction = "DESC" if args.goal == "maximize" else "ASC"
runs = client.search_runs(
    [experiment.experiment_id],
    order_by=[f"metrics.{args.metric} {direction}", "attributes.start_time DESC"],
)
best = next(r for r in runs if args.metric in r.data.metrics)
print(f"best run: {best.info.run_name} {args.metric}={best.data.metrics[args.metric]}")
version = mlflow.register_model(f"runs:/{best.info.run_id}/model", args.name)
client.set_registered_model_alias(args.name, args.alias, version.version)
