"""Exercise 17: register a model version and set an alias."""
import argparse

from mlflow import MlflowClient


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_id")
    parser.add_argument("name")
    parser.add_argument("--alias", action="append", required=True)
    args = parser.parse_args()

    client = MlflowClient()
    if not client.search_registered_models(filter_string=f"name = '{args.name}'"):
        client.create_registered_model(args.name)
    client.create_model_version(
        name=args.name, source=f"runs:/{args.run_id}/model", run_id=args.run_id
    )
    for alias in args.alias:
        client.set_registered_model_alias(args.name, alias, "1")
    print("aliases set")


if __name__ == "__main__":
    main()
