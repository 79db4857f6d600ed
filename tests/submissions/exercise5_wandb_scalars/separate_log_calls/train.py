"""Training with W&B logging."""
import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def train(lr, batch_size, epochs):
    train_set, _ = corrupt_mnist()
    dataloader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        for img, target in dataloader:
            optimizer.zero_grad()
            y_pred = model(img)
            loss = loss_fn(y_pred, target)
            loss.backward()
            optimizer.step()
            # two separate calls: each one is its own history row, but both metrics are
            # still logged once per optimizer step
            wandb.log({"train_loss": loss.item()})
            accuracy = (y_pred.argmax(dim=1) == target).float().mean().item()
            wandb.log({"train_accuracy": accuracy})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    wandb.init(project="corrupt_mnist", job_type="train",
               config={"lr": args.lr, "batch_size": args.batch_size, "epochs": args.epochs})
    train(args.lr, args.batch_size, args.epochs)
    wandb.finish()
