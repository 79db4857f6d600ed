"""Exercise 18: register the best run of an MLflow experiment.

    python register_best.py --experiment NAME --metric NAME --goal maximize|minimize
                            --name REGISTERED_MODEL --alias ALIAS

Grade it with `GRADER_CONFIG=configs/course-mlflow.toml nox -s grade -- exercise18`.
"""

import mlflow


def main() -> None:
    # TODO: read the --experiment, --metric, --goal, --name and --alias options
    #       (both `--metric accuracy` and `--metric=accuracy` must work).
    # TODO: use the tracking store MLFLOW_TRACKING_URI names (set no tracking URI here).
    # TODO: go over the experiment's runs and pick the best one by the metric: only FINISHED
    #       runs that logged it count, a run's value is its latest one (run.data.metrics),
    #       and on a tie the run that started last wins.
    # TODO: register that run's model (only that one) as a new version of --name, then point
    #       --alias at the new version.
    print("nothing registered yet", mlflow.__version__)


if __name__ == "__main__":
    main()
