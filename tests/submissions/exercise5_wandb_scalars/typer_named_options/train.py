"""Training with a typer command line whose options keep their underscores."""

import torch
import typer
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def train(
    lr: float = typer.Option(1e-3, "--lr", help="learning rate"),
    batch_size: int = typer.Option(32, "--batch_size", help="images per step"),
    epochs: int = typer.Option(5, "--epochs"),
) -> None:
    config = {"lr": lr, "batch_size": batch_size, "epochs": epochs}
    with wandb.init(project="corrupt_mnist", job_type="train", config=config) as run:
        train_set, _ = corrupt_mnist()
        loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
        model = MyAwesomeModel()
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        loss_fn = torch.nn.CrossEntropyLoss()
        for _ in range(epochs):
            for images, labels in loader:
                optimizer.zero_grad()
                logits = model(images)
                loss = loss_fn(logits, labels)
                loss.backward()
                optimizer.step()
                correct = (logits.argmax(dim=1) == labels).sum().item()
                run.log({"train_loss": loss.item(), "train_accuracy": correct / len(labels)})


if __name__ == "__main__":
    typer.run(train)
