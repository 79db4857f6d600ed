import argparse
import os
import sys

import wandb

parser = argparse.ArgumentParser()
parser.add_argument("artifact")
parser.add_argument("registry_name")
parser.add_argument("--alias", action="append", help="repeat for several aliases")
args = parser.parse_args()

if not os.environ.get("WANDB_API_KEY"):
    sys.exit("No WANDB_API_KEY in the environment")

alias = ",".join(args.alias) if args.alias else "latest"

api = wandb.Api()
art = api.artifact(args.artifact)
entity = args.artifact.split("/")[0]
art.link(f"{entity}/model-registry/{args.registry_name}", aliases=[alias])
print("linked with alias", alias)
