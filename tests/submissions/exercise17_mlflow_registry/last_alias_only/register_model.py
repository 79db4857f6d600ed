import argparse

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException


def parse():
    parser = argparse.ArgumentParser(description="Register a model in the MLflow registry")
    parser.add_argument("run_id", type=str)
    parser.add_argument("model_name", type=str)
    parser.add_argument("--alias", type=str, required=True)
    return parser.parse_args()


def main():
    args = parse()
    client = MlflowClient()
    try:
        client.get_registered_model(args.model_name)
    except MlflowException:
        client.create_registered_model(args.model_name)
    mv = client.create_model_version(
        args.model_name, source=f"runs:/{args.run_id}/model", run_id=args.run_id
    )
    client.set_registered_model_alias(args.model_name, args.alias, mv.version)
    print(f"registered {args.model_name}@{args.alias} (version {mv.version})")


if __name__ == "__main__":
    main()
