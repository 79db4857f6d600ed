"""Reference solution, exercise 13: evaluate a model from the W&B model registry.

    python use_registered_model.py ENTITY/model-registry/NAME:ALIAS

Downloads the version the alias points at, loads its state_dict into MyAwesomeModel and prints
its accuracy on the corrupt MNIST test set. The API key is read from the environment
(WANDB_API_KEY), possibly from a .env file.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import torch
import wandb
from dotenv import find_dotenv, load_dotenv

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

WEIGHTS = "model.pth"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Test accuracy of a registered model.")
    parser.add_argument("model", help="ENTITY/model-registry/NAME:ALIAS")
    return parser.parse_args()


def test_accuracy(model: torch.nn.Module) -> float:
    _, test_set = corrupt_mnist()
    images, labels = test_set.tensors
    model.eval()  # dropout off: the same weights always give the same predictions
    with torch.no_grad():
        predictions = model(images).argmax(dim=1)
    return (predictions == labels).float().mean().item()


def main() -> None:
    args = parse_args()
    load_dotenv(find_dotenv(usecwd=True))  # a variable already set in the environment wins
    if not os.environ.get("WANDB_API_KEY"):
        sys.exit("error: WANDB_API_KEY is not set (export it, or put it in a .env file)")

    artifact = wandb.Api().artifact(args.model, type="model")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(artifact.download(root=folder)) / WEIGHTS
        state = torch.load(path, map_location="cpu", weights_only=True)

    model = MyAwesomeModel()
    model.load_state_dict(state)
    print(f"loaded {artifact.source_name} as {args.model}")
    print(f"accuracy: {test_accuracy(model):.4f}")


if __name__ == "__main__":
    main()
