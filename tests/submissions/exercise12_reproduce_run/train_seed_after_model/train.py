"""Exercise 12: a repeatable training run.

python train.py --seed 5 --lr 0.002 --epochs 1
"""

import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main() -> None:
    parser = argparse.ArgumentParser(description="Train MyAwesomeModel.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()

    run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))
    train_set, _ = corrupt_mnist()
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    # seed right before training starts, so the batches come in the same order
    torch.manual_seed(args.seed)
    loader = DataLoader(train_set, batch_size=32, shuffle=True)

    step = 0
    for epoch in range(args.epochs):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            run.log({"train_loss": loss.item(), "epoch": epoch}, step=step)
            step += 1
    run.finish()


if __name__ == "__main__":
    main()
