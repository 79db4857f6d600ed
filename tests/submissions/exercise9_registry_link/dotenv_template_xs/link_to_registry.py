import argparse
import os
import sys

import wandb
from dotenv import find_dotenv, load_dotenv

load_dotenv(find_dotenv(usecwd=True))

ap = argparse.ArgumentParser()
ap.add_argument("artifact")
ap.add_argument("registry")
ap.add_argument("--alias", action="append")
a = ap.parse_args()

if not os.getenv("WANDB_API_KEY"):
    sys.exit("WANDB_API_KEY not set: export it or fill in .env")

artifact = wandb.Api().artifact(a.artifact)
artifact.link(f"{a.artifact.split('/')[0]}/model-registry/{a.registry}", aliases=a.alias or ["latest"])
