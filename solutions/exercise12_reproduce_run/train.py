"""Reference solution, exercise 12 (part 1): a training run that can be repeated exactly.

python train.py --seed 5 --lr 0.002 --epochs 1
"""

import argparse
import random

import numpy as np
import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train MyAwesomeModel, repeatably.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--epochs", type=int, default=2)
    return parser.parse_args()


def seed_everything(seed: int) -> None:
    # Before anything random happens: the model's first weights, the shuffling, dropout.
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def main() -> None:
    args = parse_args()
    seed_everything(args.seed)
    # The seed is part of the config, so the run's page says how to get the same numbers.
    run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))

    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=32, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    for epoch in range(args.epochs):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
            run.log({"train_loss": loss.item(), "train_accuracy": accuracy})
        print(f"epoch {epoch}: loss {loss.item():.4f}")

    run.finish()


if __name__ == "__main__":
    main()
