"""Repeatable training of MyAwesomeModel (typer command line, loguru output)."""

import random

import numpy as np
import torch
import typer
import wandb
from loguru import logger
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(
    seed: int = typer.Option(0, help="seed for every random generator"),
    lr: float = typer.Option(1e-3, help="learning rate"),
    epochs: int = typer.Option(2, help="passes over the training set"),
    batch_size: int = 32,
) -> None:
    set_seed(seed)
    run = wandb.init(project="corrupt_mnist", config={"seed": seed, "lr": lr, "epochs": epochs})
    logger.info(f"training with {dict(run.config)}")

    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    for epoch in range(epochs):
        model.train()
        correct = seen = 0
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            correct += (logits.argmax(1) == labels).sum().item()
            seen += len(labels)
            wandb.log({"loss": loss.item(), "running_accuracy": correct / seen})
        logger.info(f"epoch {epoch}: accuracy {correct / seen:.3f}")
    run.finish()


if __name__ == "__main__":
    typer.run(train)
