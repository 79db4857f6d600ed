"""typer command line for training; MLflow tracks the run."""

import mlflow
import torch
import typer
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

app = typer.Typer()


@app.command()
def train(lr: float = 1e-3, batch_size: int = 32, epochs: int = 5) -> None:
    mlflow.set_experiment("corrupt_mnist")
    with mlflow.start_run(tags={"job_type": "train"}):
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
                acc = (logits.argmax(dim=1) == labels).float().mean().item()
                mlflow.log_metrics({"train_loss": loss.item(), "train_accuracy": acc}, step=step)
                step += 1


if __name__ == "__main__":
    app()
