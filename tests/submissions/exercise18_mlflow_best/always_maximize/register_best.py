import argparse

import mlflow
from mlflow import MlflowClient

parser = argparse.ArgumentParser()
parser.add_argument("--experiment", required=True)
parser.add_argument("--metric", required=True)
parser.add_argument("--goal", default="maximize")
parser.add_argument("--name", required=True)
parser.add_argument("--alias", required=True)
args = parser.parse_args()

client = MlflowClient()
exp = client.get_experiment_by_name(args.experiment)
runs = client.search_runs([exp.experiment_id], filter_string="attributes.status = 'FINISHED'")
runs = [r for r in runs if args.metric in r.data.metrics]
best = max(runs, key=lambda r: r.data.metrics[args.metric])
mv = mlflow.register_model(f"runs:/{best.info.run_id}/model", args.name)
client.set_registered_model_alias(args.name, args.alias, mv.version)
print("registered", best.info.run_id, "as version", mv.version)
