"""Download a model from the registry by alias and report its test accuracy."""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import torch
import wandb
from dotenv import load_dotenv
from loguru import logger

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", help="ENTITY/model-registry/NAME:ALIAS")
    args = parser.parse_args()

    load_dotenv()
    if not os.getenv("WANDB_API_KEY"):
        logger.error("WANDB_API_KEY is not set")
        sys.exit(1)

    api = wandb.Api()
    artifact = api.artifact(args.path, type="model")
    logger.info(f"{args.path} is {artifact.source_name}")
    with tempfile.TemporaryDirectory() as tmp:
        (weights,) = Path(artifact.download(root=tmp)).glob("*.pth")
        state_dict = torch.load(weights, map_location="cpu", weights_only=True)

    model = MyAwesomeModel()
    model.load_state_dict(state_dict)
    model.eval()

    _, test_set = corrupt_mnist()
    correct = total = 0
    with torch.no_grad():
        for images, labels in torch.utils.data.DataLoader(test_set, batch_size=100):
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            total += len(labels)
    logger.info(f"accuracy = {correct / total:.4f}")


if __name__ == "__main__":
    main()
