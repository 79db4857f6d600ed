import argparse
import os
import sys

import wandb


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="link_to_registry.py")
    parser.add_argument("artifact", metavar="ENTITY/PROJECT/ARTIFACT:VERSION")
    parser.add_argument("registry", metavar="REGISTRY_NAME")
    # both `--alias a b` and `--alias a --alias b`
    parser.add_argument("--alias", nargs="+", action="extend", default=[], dest="aliases")
    return parser


def main(argv=None) -> None:
    args = build_parser().parse_args(argv)
    key = os.environ.get("WANDB_API_KEY", "").strip()
    if not key:
        sys.exit("link_to_registry.py: WANDB_API_KEY must be set in the environment")
    entity, project, name_version = args.artifact.split("/")
    api = wandb.Api(overrides={"entity": entity, "project": project})
    artifact = api.artifact(name_version)
    target = f"{entity}/model-registry/{args.registry}"
    artifact.link(target, aliases=args.aliases or ["latest"])
    print(f"{args.artifact} linked to {target}")


if __name__ == "__main__":
    main()
