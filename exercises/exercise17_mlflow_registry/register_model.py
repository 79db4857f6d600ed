"""Exercise 17: register a training run's model in MLflow's model registry and set aliases.

    python register_model.py RUN_ID MODEL_NAME --alias ALIAS [--alias ALIAS ...]

Grade it with `GRADER_CONFIG=configs/course-mlflow.toml nox -s grade -- exercise17`.
"""

import mlflow


def main() -> None:
    # TODO: read RUN_ID, MODEL_NAME and one or more --alias options from the command line.
    # TODO: use the tracking store MLFLOW_TRACKING_URI names (do not set another URI here).
    # TODO: create the registered model MODEL_NAME only if it does not exist yet.
    # TODO: add a new version whose source is the run's `model` artifact folder
    #       (runs:/RUN_ID/model), linked to the run.
    # TODO: point every alias at the new version.
    print("nothing registered yet", mlflow.__version__)


if __name__ == "__main__":
    main()
