"""typer options named with underscores; the experiment comes from MLFLOW_EXPERIMENT_NAME."""

import os
from typing import Annotated

import mlflow
import torch
import typer
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

os.environ.setdefault("MLFLOW_EXPERIMENT_NAME", "corrupt_mnist")


def train(
    lr: Annotated[float, typer.Option("--lr")] = 1e-3,
    batch_size: Annotated[int, typer.Option("--batch_size")] = 32,
    epochs: Annotated[int, typer.Option("--epochs")] = 5,
) -> None:
    with mlflow.start_run(tags={"job_type": "train"}) as run:
        mlflow.log_params({"lr": lr, "batch_size": batch_size, "epochs": epochs})
        train_set, _ = corrupt_mnist()
        loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
        model = MyAwesomeModel()
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        loss_fn = torch.nn.CrossEntropyLoss()
        step = 0
        for _ in range(epochs):
            for images, labels in loader:
                optimizer.zero_grad()
                logits = model(images)
                loss = loss_fn(logits, labels)
                loss.backward()
                optimizer.step()
                mlflow.log_metrics(
                    {
                        "train_loss": loss.detach().item(),
                        "train_accuracy": (logits.argmax(1) == labels).sum().item() / len(labels),
                    },
                    step=step,
                )
                step += 1
        typer.echo(f"run {run.info.run_id}: final loss {loss.item():.3f}")


if __name__ == "__main__":
    typer.run(train)
