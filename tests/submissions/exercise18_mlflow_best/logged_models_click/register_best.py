import click
import mlflow
from mlflow import MlflowClient


def latest(model, metric):
    values = [m for m in model.metrics or [] if m.key == metric]
    if not values:
        return None
    return max(values, key=lambda m: (m.step, m.timestamp)).value


@click.command()
@click.option("--experiment", required=True)
@click.option("--metric", required=True)
@click.option("--goal", type=click.Choice(["maximize", "minimize"]), required=True)
@click.option("--name", required=True)
@click.option("--alias", required=True)
def main(experiment, metric, goal, name, alias):
    client = MlflowClient()
    exp = client.get_experiment_by_name(experiment)
    if exp is None:
        raise click.ClickException(f"experiment {experiment} not found")
    candidates = []
    for model in client.search_logged_models(experiment_ids=[exp.experiment_id]):
        if str(model.status) != "READY" and getattr(model.status, "name", "") != "READY":
            continue
        run = client.get_run(model.source_run_id)
        value = latest(model, metric)
        if run.info.status != "FINISHED" or value is None:
            continue
        candidates.append((value if goal == "maximize" else -value, run.info.start_time, model))
    if not candidates:
        raise click.ClickException(f"no finished model has {metric}")
    _, _, best = max(candidates, key=lambda c: (c[0], c[1]))
    version = mlflow.register_model(f"models:/{best.model_id}", name)
    client.set_registered_model_alias(name, alias, version.version)
    click.echo(f"registered {best.model_id} as {name} v{version.version} ({alias})")


if __name__ == "__main__":
    main()
