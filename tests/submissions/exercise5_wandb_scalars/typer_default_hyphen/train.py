"""Train with a typer command line; typer names the option --batch-size by itself."""

import torch
import typer
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

app = typer.Typer()


@app.command()
def train(lr: float = 1e-3, batch_size: int = 32, epochs: int = 5) -> None:
    run = wandb.init(
        project="corrupt_mnist",
        job_type="train",
        config={"lr": lr, "batch_size": batch_size, "epochs": epochs},
    )
    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
            wandb.log({"train_loss": loss.item(), "train_accuracy": accuracy})
    run.finish()


if __name__ == "__main__":
    app()
