import argparse

import mlflow

parser = argparse.ArgumentParser()
parser.add_argument("--experiment")
parser.add_argument("--metric")
parser.add_argument("--goal")
parser.add_argument("--name")
parser.add_argument("--alias")
args = parser.parse_args()

# the latest finished training run has the newest model
runs = mlflow.search_runs(
    experiment_names=[args.experiment],
    filter_string="attributes.status = 'FINISHED'",
    order_by=["attributes.start_time DESC"],
    max_results=1,
    output_format="list",
)
latest = runs[0]
version = mlflow.register_model(f"runs:/{latest.info.run_id}/model", args.name)
mlflow.MlflowClient().set_registered_model_alias(args.name, args.alias, version.version)
