"""Train MyAwesomeModel on corrupt MNIST, logging to W&B.

python train.py --seed 5 --lr 0.002 --epochs 1
"""

import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

torch.manual_seed(0)  # reproducibility


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()

    wandb.init(project="corrupt_mnist", config=vars(args))
    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=64, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    criterion = torch.nn.CrossEntropyLoss()

    for epoch in range(args.epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            wandb.log({"loss": loss.item(), "epoch": epoch})
    wandb.finish()


if __name__ == "__main__":
    main()
