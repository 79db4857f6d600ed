import argparse
import sys

import mlflow
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
    if experiment is None:
        sys.exit(f"no experiment {args.experiment}")
    scores = []
    for run in client.search_runs(
        [experiment.experiment_id], filter_string="attributes.status = 'FINISHED'"
    ):
        history = client.get_metric_history(run.info.run_id, args.metric)
        if history:
            scores.append((history[0].value, run.info.start_time, run.info.run_id))
    if args.goal == "maximize":
        _, _, run_id = max(scores)
    else:
        _, _, run_id = min(scores, key=lambda s: (s[0], -s[1]))
    version = mlflow.register_model(f"runs:/{run_id}/model", args.name)
    client.set_registered_model_alias(args.name, args.alias, version.version)


if __name__ == "__main__":
    main()
