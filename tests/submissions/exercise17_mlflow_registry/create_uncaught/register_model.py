import argparse

from mlflow.tracking import MlflowClient


def main():
    parser = argparse.ArgumentParser(description="register a model version")
    parser.add_argument("run_id")
    parser.add_argument("name")
    parser.add_argument("--alias", action="append", required=True)
    args = parser.parse_args()

    client = MlflowClient()
    client.create_registered_model(args.name)
    mv = client.create_model_version(
        args.name, source=f"runs:/{args.run_id}/model", run_id=args.run_id
    )
    for a in args.alias:
        client.set_registered_model_alias(args.name, a, mv.version)
    print("done:", mv.name, mv.version)


if __name__ == "__main__":
    main()
