from typing import List

import typer
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

app = typer.Typer()


@app.command()
def register(
    run_id: str,
    model_name: str,
    alias: List[str] = typer.Option(..., "--alias", help="alias for the new version"),
) -> None:
    client = MlflowClient()
    run = client.get_run(run_id)
    try:
        client.create_registered_model(model_name, description="corrupted MNIST classifier")
    except MlflowException as err:
        if err.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
    accuracy = run.data.metrics.get("accuracy")
    version = client.create_model_version(
        name=model_name,
        source=f"runs:/{run_id}/model",
        run_id=run_id,
        tags={"accuracy": str(accuracy), "run_name": run.info.run_name},
        description=f"weights of run {run.info.run_name}",
    )
    for name in alias:
        client.set_registered_model_alias(model_name, name, version.version)
    typer.echo(f"registered {model_name}/{version.version} with aliases {alias}")


if __name__ == "__main__":
    app()
