import mlflow
import typer

app = typer.Typer(add_completion=False)


@app.command()
def register_best(
    experiment: str = typer.Option(..., "--experiment"),
    metric: str = typer.Option(..., "--metric"),
    goal: str = typer.Option(..., "--goal"),
    name: str = typer.Option(..., "--name"),
    alias: str = typer.Option(..., "--alias"),
) -> None:
    if goal not in ("maximize", "minimize"):
        raise typer.BadParameter("--goal is maximize or minimize")
    df = mlflow.search_runs(experiment_names=[experiment])
    column = f"metrics.{metric}"
    if df.empty or column not in df.columns:
        typer.echo(f"no run logged {metric}", err=True)
        raise typer.Exit(1)
    df = df[df["status"] == "FINISHED"].dropna(subset=[column])
    df = df.sort_values([column, "start_time"], ascending=[goal == "minimize", False])
    best = df.iloc[0]
    typer.echo(f"best run {best['run_id']} with {metric}={best[column]}")
    version = mlflow.register_model(f"runs:/{best['run_id']}/model", name)
    mlflow.MlflowClient().set_registered_model_alias(name, alias, version.version)


if __name__ == "__main__":
    app()
