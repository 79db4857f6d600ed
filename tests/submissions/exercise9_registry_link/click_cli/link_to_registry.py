"""Link a W&B artifact version into a model registry (click CLI)."""

import os

import click
import wandb


@click.command()
@click.argument("artifact_path")
@click.argument("registry_name")
@click.option("--alias", "aliases", multiple=True, help="Alias for the linked model; repeatable.")
def link(artifact_path: str, registry_name: str, aliases: tuple[str, ...]) -> None:
    """ARTIFACT_PATH is ENTITY/PROJECT/ARTIFACT:VERSION."""
    if not os.environ.get("WANDB_API_KEY"):
        raise click.ClickException("WANDB_API_KEY is not set; export it before running this script")
    entity = artifact_path.split("/")[0]
    api = wandb.Api()
    artifact = api.artifact(artifact_path, type="model")
    target = f"{entity}/model-registry/{registry_name}"
    artifact.link(target, aliases=list(aliases) or ["latest"])
    click.echo(f"{artifact_path} -> {target}")


if __name__ == "__main__":
    link()
