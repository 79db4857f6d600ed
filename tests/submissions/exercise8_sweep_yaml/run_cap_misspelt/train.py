"""Reference solution, exercise 8: a training script a W&B sweep can drive.

    python train.py --lr=0.001 --batch_size=32 --epochs=5

Besides the training scalars it logs `validation_loss` on the test set after every epoch: the
metric the sweep in configs/sweep.yaml minimises.
"""

import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train MyAwesomeModel on corrupt MNIST.")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    return parser.parse_args()


def evaluate(model: torch.nn.Module, test_set, loss_fn) -> tuple[float, float]:
    images, labels = test_set.tensors
    model.eval()
    with torch.no_grad():
        logits = model(images)
    accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
    return loss_fn(logits, labels).item(), accuracy


def main() -> None:
    args = parse_args()
    torch.manual_seed(0)
    run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))

    train_set, test_set = corrupt_mnist()
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
            run.log({"train_loss": loss.item(), "train_accuracy": accuracy})
        validation_loss, validation_accuracy = evaluate(model, test_set, loss_fn)
        run.log(
            {
                "validation_loss": validation_loss,
                "validation_accuracy": validation_accuracy,
                "epoch": epoch,
            }
        )

    run.finish()


if __name__ == "__main__":
    main()
