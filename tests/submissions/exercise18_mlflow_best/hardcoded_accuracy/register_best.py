import argparse

import mlflow
from mlflow import MlflowClient

METRIC = "accuracy"


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--experiment", required=True)
    parser.add_argument("--metric", default=METRIC)
    parser.add_argument("--goal", choices=["maximize", "minimize"], default="maximize")
    parser.add_argument("--name", required=True)
    parser.add_argument("--alias", required=True)
    return parser.parse_args()


def main():
    args = parse()
    client = MlflowClient()
    experiment = client.get_experiment_by_name(args.experiment)
    order = "DESC" if args.goal == "maximize" else "ASC"
    runs = client.search_runs(
        [experiment.experiment_id],
        filter_string="attributes.status = 'FINISHED'",
        order_by=[f"metrics.{METRIC} {order}"],
    )
    best = runs[0]
    version = mlflow.register_model(f"runs:/{best.info.run_id}/model", args.name)
    client.set_registered_model_alias(args.name, args.alias, version.version)
    print(f"registered {best.info.run_name} with {METRIC}={best.data.metrics.get(METRIC)}")


if __name__ == "__main__":
    main()
