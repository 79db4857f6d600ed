import argparse
import os
import sys

import wandb

parser = argparse.ArgumentParser(description="link artifact to registry")
parser.add_argument("artifact", help="entity/project/name:version")
parser.add_argument("registry", help="registry name")
parser.add_argument("--alias", action="append", default=[], help="alias(es) for the model")
args = parser.parse_args()

if not os.getenv("WANDB_API_KEY"):
    print("WANDB_API_KEY missing", file=sys.stderr)
    sys.exit(1)

api = wandb.Api()
artifact = api.artifact(args.artifact)
entity = args.artifact.split("/")[0]
artifact.link(target_path=f"{entity}/model-registry/{args.registry}")
print(f"done, aliases: {args.alias or ['latest']}")
