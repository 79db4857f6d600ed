"""Exercise 12, part 1: a training run that can be repeated exactly.

    python train.py --seed 5 --lr 0.002 --epochs 1

Grade it (with reproduce.py) with `nox -s grade -- exercise12`.
"""

import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main() -> None:
    parser = argparse.ArgumentParser(description="Train MyAwesomeModel.")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--epochs", type=int, default=2)
    # TODO: a --seed option (an int), and seed torch with it before anything random happens.
    args = parser.parse_args()

    # TODO: put the seed into the config too.
    run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))
    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=32, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(args.epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
            run.log({"train_loss": loss.item()})
    run.finish()


if __name__ == "__main__":
    main()
