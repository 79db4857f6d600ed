"""python train.py --seed 5 --lr 0.002 --epochs 1

Repeatable: the model's weights come from torch's global generator (seeded first), the
batches from a generator of their own, seeded with the same number.
"""

import argparse
import time

import torch
import wandb
from dotenv import load_dotenv
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

load_dotenv()


def evaluate(model, loader) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(dim=1) == labels).sum().item()
    model.train()
    return correct / len(loader.dataset)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    shuffle = torch.Generator().manual_seed(args.seed)

    wandb.init(project="corrupt_mnist", config=args)  # a Namespace works too
    config = wandb.config
    train_set, test_set = corrupt_mnist()
    train_loader = DataLoader(train_set, batch_size=32, shuffle=True, generator=shuffle)
    test_loader = DataLoader(test_set, batch_size=100)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)

    step = 0
    for epoch in range(config.epochs):
        started = time.perf_counter()
        for images, labels in train_loader:
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(images), labels)
            loss.backward()
            optimizer.step()
            wandb.log({"train/loss": loss.item()}, step=step)
            step += 1
        wandb.log(
            {
                "epoch": epoch,
                "test/accuracy": evaluate(model, test_loader),
                "epoch_time": time.perf_counter() - started,
            },
            step=step - 1,
        )
    wandb.finish()


if __name__ == "__main__":
    main()
