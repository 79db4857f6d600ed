"""Link an artifact version to a registry (W&B docs: Registry -> link a version)."""
import argparse
import os
import sys

import wandb

p = argparse.ArgumentParser()
p.add_argument("artifact")
p.add_argument("registry")
p.add_argument("--alias", action="append")
args = p.parse_args()

if not os.environ.get("WANDB_API_KEY"):
    sys.exit("WANDB_API_KEY is not set")

api = wandb.Api()
artifact = api.artifact(args.artifact)
# the new Registry: project "wandb-registry-<registry type>", collection = registry name
artifact.link(f"wandb-registry-model/{args.registry}", aliases=args.alias or ["latest"])
print("linked")
