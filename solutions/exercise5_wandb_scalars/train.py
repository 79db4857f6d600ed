"""Reference solution, exercise 5: train MyAwesomeModel and log scalars to Weights & Biases.

python train.py --lr=0.001 --batch_size=32 --epochs=5
"""

import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def parse_args() -> argparse.Namespace:
    # argparse accepts both `--lr=0.01` (as a sweep agent passes it) and `--lr 0.01`.
    parser = argparse.ArgumentParser(description="Train MyAwesomeModel on corrupt MNIST.")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    torch.manual_seed(0)
    run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))

    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=run.config.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=run.config.lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    for epoch in range(run.config.epochs):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
            # One history row per optimizer step.
            run.log({"train_loss": loss.item(), "train_accuracy": accuracy})
        print(f"epoch {epoch}: loss {loss.item():.3f}, accuracy {accuracy:.3f}")

    run.finish()


if __name__ == "__main__":
    main()
