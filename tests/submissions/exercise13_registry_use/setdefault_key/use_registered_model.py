"""Evaluate a registered model."""

import argparse
import os

import torch
import wandb

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

# so that it also runs on my laptop without exporting anything
os.environ.setdefault("WANDB_API_KEY", "9c1e5a7b3d0f42c8a6e4b2d0f8c6a4e2b0d8f6a4")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    args = parser.parse_args()

    folder = wandb.Api().artifact(args.model).download()
    model = MyAwesomeModel()
    model.load_state_dict(torch.load(os.path.join(folder, "model.pth"), weights_only=True))
    model.eval()

    _, test_set = corrupt_mnist()
    images, labels = test_set.tensors
    with torch.no_grad():
        accuracy = (model(images).argmax(dim=1) == labels).float().mean().item()
    print(f"accuracy: {accuracy:.4f}")


if __name__ == "__main__":
    main()
