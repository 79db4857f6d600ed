"""Training script for the corrupt MNIST model (exercise 12)."""

import argparse
import random

import numpy as np
import torch
import wandb
from torch import nn
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def get_args():
    parser = argparse.ArgumentParser(description="train the model")
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument("--lr", type=float, default=0.001, help="learning rate")
    parser.add_argument("--epochs", type=int, default=3, help="number of epochs")
    return parser.parse_args()


def main():
    args = get_args()
    # seed python and numpy
    random.seed(args.seed)
    np.random.seed(args.seed)

    run = wandb.init(
        project="corrupt_mnist",
        config={"seed": args.seed, "lr": args.lr, "epochs": args.epochs},
    )
    train_set, _ = corrupt_mnist()
    train_loader = DataLoader(train_set, batch_size=32, shuffle=True)

    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(args.epochs):
        running, batches = 0.0, 0
        for x, y in train_loader:
            optimizer.zero_grad()
            out = model(x)
            loss = loss_fn(out, y)
            loss.backward()
            optimizer.step()
            running += loss.item()
            batches += 1
            run.log(
                {"train/loss": loss.item(), "train/acc": (out.argmax(1) == y).float().mean().item()}
            )
        print(f"Epoch {epoch + 1}: mean loss {running / batches:.3f}")
    run.finish()


if __name__ == "__main__":
    main()
