import argparse
import os

import wandb


def cli():
    p = argparse.ArgumentParser()
    p.add_argument("artifact")
    p.add_argument("registry")
    p.add_argument("--alias", action="append")
    return p.parse_args()


if __name__ == "__main__":
    args = cli()
    if not os.environ.get("WANDB_API_KEY"):
        raise SystemExit("Missing WANDB_API_KEY environment variable")
    api = wandb.Api()
    artifact = api.artifact(args.artifact)
    # without an entity, wandb links into the registry of the artifact's own entity
    artifact.link(f"model-registry/{args.registry}", aliases=args.alias or ["latest"])
