import argparse
import os
import sys

import wandb

parser = argparse.ArgumentParser()
parser.add_argument("artifact_path")
parser.add_argument("registry_name")
parser.add_argument("--alias", action="append", default=["latest"])
args = parser.parse_args()

if os.environ.get("WANDB_API_KEY") in (None, ""):
    print("Set WANDB_API_KEY (e.g. export WANDB_API_KEY=...)")
    sys.exit(1)

api = wandb.Api()
artifact = api.artifact(args.artifact_path)
entity = artifact.source_entity
target = f"{entity}/model-registry/{args.registry_name}"
artifact.link(target, aliases=args.alias)
print(f"linked to {target} with {args.alias}")
