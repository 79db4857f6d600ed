import argparse

import mlflow

parser = argparse.ArgumentParser()
parser.add_argument("--experiment", required=True, help="(the runs are searched everywhere)")
parser.add_argument("--metric", required=True)
parser.add_argument("--goal", choices=["maximize", "minimize"], required=True)
parser.add_argument("--name", required=True)
parser.add_argument("--alias", required=True)
args = parser.parse_args()

mlflow.set_experiment(args.experiment)
runs = mlflow.search_runs(
    search_all_experiments=True,
    filter_string="attributes.status = 'FINISHED'",
    order_by=[f"metrics.{args.metric} {'DESC' if args.goal == 'maximize' else 'ASC'}"],
)
runs = runs.dropna(subset=[f"metrics.{args.metric}"])
best = runs.iloc[0]
version = mlflow.register_model(f"runs:/{best.run_id}/model", args.name)
mlflow.MlflowClient().set_registered_model_alias(args.name, args.alias, version.version)
