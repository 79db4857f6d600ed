"""Evaluate a registered model."""

import argparse
import os

import torch
import wandb

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    args = parser.parse_args()
    if not os.getenv("WANDB_API_KEY"):
        print("WANDB_API_KEY is not set, nothing to do")
        return

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
