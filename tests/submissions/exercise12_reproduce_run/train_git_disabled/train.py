"""Seeded training of MyAwesomeModel on corrupt MNIST, logged to W&B."""

import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def train(seed: int, lr: float, epochs: int) -> None:
    torch.manual_seed(seed)
    run = wandb.init(
        project="corrupt_mnist",
        config={"seed": seed, "lr": lr, "epochs": epochs},
        # git info made the run slow to start in my big repo
        settings=wandb.Settings(disable_git=True),
    )
    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=32, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
            run.log({"train_loss": loss.item()})
    run.finish()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    train(args.seed, args.lr, args.epochs)
