import argparse

import mlflow
from mlflow import MlflowClient


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--experiment", required=True)
    parser.add_argument("--metric", required=True)
    parser.add_argument("--goal", choices=["maximize", "minimize"], required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--alias", required=True)
    args = parser.parse_args()

    client = MlflowClient()
    exp = client.get_experiment_by_name(args.experiment)
    runs = client.search_runs([exp.experiment_id], "attributes.status = 'FINISHED'")
    choose = max if args.goal == "maximize" else min
    best = choose(runs, key=lambda r: r.data.metrics.get(args.metric, 0))
    version = mlflow.register_model(f"runs:/{best.info.run_id}/model", args.name)
    client.set_registered_model_alias(args.name, args.alias, version.version)


if __name__ == "__main__":
    main()
