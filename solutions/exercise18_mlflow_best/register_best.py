"""Reference solution, exercise 18: register the best run of an MLflow experiment.

    python register_best.py --experiment NAME --metric NAME --goal maximize|minimize
                            --name REGISTERED_MODEL --alias ALIAS

Only runs that finished (status FINISHED) and logged the metric take part; a run's value is
the latest one it logged (what ``run.data.metrics`` holds). On a tie the run that started last
wins. The tracking store is the one MLFLOW_TRACKING_URI names.
"""

import argparse
import sys

import mlflow
from mlflow import MlflowClient


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Register the best run of an experiment.")
    parser.add_argument("--experiment", required=True, help="experiment whose runs compete")
    parser.add_argument("--metric", required=True, help="metric to rank the runs by")
    parser.add_argument("--goal", required=True, choices=["maximize", "minimize"])
    parser.add_argument("--name", required=True, help="registered model to add a version to")
    parser.add_argument("--alias", required=True, help="alias for the new version")
    return parser.parse_args()


def finished_runs(client: MlflowClient, experiment_id: str) -> list:
    """Every FINISHED run of the experiment, newest first (all pages)."""
    runs, token = [], None
    while True:
        page = client.search_runs(
            [experiment_id],
            filter_string="attributes.status = 'FINISHED'",
            order_by=["attributes.start_time DESC"],
            max_results=1000,
            page_token=token,
        )
        runs.extend(page)
        token = page.token
        if not token:
            return runs


def main() -> None:
    args = parse_args()
    client = MlflowClient()  # tracking and registry from MLFLOW_TRACKING_URI
    experiment = client.get_experiment_by_name(args.experiment)
    if experiment is None:
        sys.exit(f"error: no experiment named {args.experiment!r}")

    # run.data.metrics holds each metric's latest value (the one logged at the highest step).
    candidates = [run for run in finished_runs(client, experiment.experiment_id)]
    candidates = [run for run in candidates if args.metric in run.data.metrics]
    if not candidates:
        sys.exit(f"error: no finished run of {args.experiment!r} logged {args.metric!r}")

    sign = 1 if args.goal == "maximize" else -1
    # The best value first; among equals, the run that started last.
    best = max(candidates, key=lambda r: (sign * r.data.metrics[args.metric], r.info.start_time))
    run_id = best.info.run_id

    # The training script logged the model with log_model(..., name="model"): in MLflow 3 that
    # is a logged model, which runs:/<run_id>/model resolves to.
    version = mlflow.register_model(f"runs:/{run_id}/model", args.name)
    client.set_registered_model_alias(args.name, args.alias, version.version)
    value = best.data.metrics[args.metric]
    print(
        f"registered run {best.info.run_name} ({args.metric} {value}) as version "
        f"{version.version} of {args.name}, alias {args.alias}"
    )


if __name__ == "__main__":
    main()
