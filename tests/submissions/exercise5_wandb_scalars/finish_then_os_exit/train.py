import argparse
import os

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def get_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", default=0.001, type=float)
    parser.add_argument("--batch_size", default=32, type=int)
    parser.add_argument("--epochs", default=5, type=int)
    return parser.parse_args()


def main():
    args = get_args()
    run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))
    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(args.epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            out = model(images)
            loss = loss_fn(out, labels)
            loss.backward()
            optimizer.step()
            run.log({"train_loss": loss.item(),
                     "train_accuracy": (out.argmax(1) == labels).float().mean().item()})
    run.finish()


if __name__ == "__main__":
    main()
    # the dataloader workers hung on exit on my laptop, so leave hard -- after finish(),
    # when the run is already written
    os._exit(0)
