"""Register a training run's model folder with mlflow.register_model, then set aliases."""
import click
import mlflow
from mlflow import MlflowClient


@click.command()
@click.argument("run_id")
@click.argument("model_name")
@click.option("--alias", "aliases", multiple=True, required=True, help="repeatable")
def main(run_id: str, model_name: str, aliases: tuple[str, ...]) -> None:
    client = MlflowClient()
    run = client.get_run(run_id)
    # register_model("runs:/...") wants a logged model; the folder's artifact URI works as is.
    # It also creates the registered model when it does not exist yet.
    version = mlflow.register_model(f"{run.info.artifact_uri}/model", model_name)
    for alias in aliases:
        client.set_registered_model_alias(model_name, alias, version.version)
    click.echo(f"{model_name} version {version.version}: {', '.join(aliases)}")


if __name__ == "__main__":
    main()
