import argparse
import os
import sys

import wandb
from dotenv import load_dotenv

load_dotenv()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("artifact")
    parser.add_argument("registry")
    parser.add_argument("--alias", action="append", dest="aliases")
    args = parser.parse_args()
    if not os.getenv("WANDB_API_KEY"):
        sys.exit("WANDB_API_KEY missing (put it in .env)")
    api = wandb.Api()
    artifact = api.artifact(args.artifact)
    entity = args.artifact.split("/")[0]
    artifact.link(f"{entity}/model-registry/{args.registry}", aliases=args.aliases or ["latest"])


if __name__ == "__main__":
    main()
