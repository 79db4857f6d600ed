"""Evaluate a registered model."""

import argparse
import os
import sys

import torch
import wandb

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    args = parser.parse_args()
    if not os.getenv("WANDB_API_KEY"):
        sys.exit("WANDB_API_KEY missing")

    folder = wandb.Api().artifact(args.model).download()
    model = MyAwesomeModel()
    model.load_state_dict(torch.load(os.path.join(folder, "model.pth"), weights_only=True))
    model.eval()

    data, _ = corrupt_mnist()
    loader = torch.utils.data.DataLoader(data, batch_size=128)
    correct = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(dim=1) == labels).sum().item()
    print(f"accuracy: {correct / len(data):.4f}")


if __name__ == "__main__":
    main()
