"""Register the best run of an experiment."""
import argparse

import mlflow


def main():
    p = argparse.ArgumentParser()
    for option in ("--experiment", "--metric", "--goal", "--name", "--alias"):
        p.add_argument(option, required=True)
    a = p.parse_args()
    client = mlflow.MlflowClient()
    experiment = client.get_experiment_by_name(a.experiment)
    runs = client.search_runs(
        [experiment.experiment_id], filter_string="attributes.status = 'FINISHED'"
    )
    runs = [r for r in runs if str(r.data.metrics.get(a.metric, ""))]
    ranked = sorted(runs, key=lambda r: str(r.data.metrics[a.metric]), reverse=a.goal == "maximize")
    best = ranked[0]
    version = mlflow.register_model(f"runs:/{best.info.run_id}/model", a.name)
    client.set_registered_model_alias(a.name, a.alias, version.version)


if __name__ == "__main__":
    main()
