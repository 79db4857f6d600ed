import argparse

from mlflow import MlflowClient


def main() -> None:
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
        [experiment.experiment_id], filter_string="attributes.status = 'FINISHED'"
    )
    runs = [r for r in runs if args.metric in r.data.metrics]
    sign = 1.0 if args.goal == "maximize" else -1.0
    best = max(runs, key=lambda r: sign * r.data.metrics[args.metric])

    client.create_registered_model(args.name)
    version = client.create_model_version(
        args.name, f"runs:/{best.info.run_id}/model", run_id=best.info.run_id
    )
    client.set_registered_model_alias(args.name, args.alias, version.version)


if __name__ == "__main__":
    main()
