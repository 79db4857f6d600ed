"""Train the corrupt MNIST model with a fixed seed."""

import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(args.seed)

    run = wandb.init(project="corrupt_mnist", config=vars(args))
    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=32, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    for _ in range(args.epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(images), labels)
            loss.backward()
            optimizer.step()
            run.log({"train_loss": loss.item()})
    run.finish()


if __name__ == "__main__":
    main()
