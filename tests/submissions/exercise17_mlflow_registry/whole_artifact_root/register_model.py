import argparse

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException


def register(run_id: str, name: str, aliases: list[str]) -> None:
    client = MlflowClient()
    try:
        client.create_registered_model(name)
    except MlflowException:
        pass  # already there
    run = client.get_run(run_id)
    version = client.create_model_version(name, source=run.info.artifact_uri, run_id=run_id)
    for alias in aliases:
        client.set_registered_model_alias(name, alias, version.version)
    print(f"{name}@{','.join(aliases)} -> version {version.version}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("run_id")
    parser.add_argument("name")
    parser.add_argument("--alias", action="append", required=True)
    a = parser.parse_args()
    register(a.run_id, a.name, a.alias)
