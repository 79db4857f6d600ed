import click
import mlflow
import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


@click.command()
@click.option("--lr", type=float, default=1e-3, show_default=True)
@click.option("--batch_size", type=int, default=32, show_default=True)
@click.option("--epochs", type=int, default=5, show_default=True)
def main(lr: float, batch_size: int, epochs: int) -> None:
    """Train on corrupt MNIST, logging to MLflow."""
    mlflow.set_experiment("corrupt_mnist")
    with mlflow.start_run():
        mlflow.set_tags({"job_type": "train"})
        mlflow.log_params(dict(lr=lr, batch_size=batch_size, epochs=epochs))
        train_set, _ = corrupt_mnist()
        loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, drop_last=True)
        model = MyAwesomeModel()
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        seen = 0  # x-axis: training images seen so far
        for _ in range(epochs):
            for images, labels in loader:
                optimizer.zero_grad()
                logits = model(images)
                loss = torch.nn.functional.cross_entropy(logits, labels)
                loss.backward()
                optimizer.step()
                seen += len(labels)
                hits = (logits.argmax(dim=1) == labels).float()
                mlflow.log_metrics({"train_loss": loss.item(), "train_accuracy": hits.mean().item()}, step=seen)


if __name__ == "__main__":
    main()
