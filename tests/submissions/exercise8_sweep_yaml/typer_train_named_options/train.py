"""A typer training script a sweep can drive: its options keep the sweep's parameter names."""

import torch
import typer
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

app = typer.Typer()


@app.command()
def main(
    lr: float = typer.Option(1e-3, "--lr"),
    batch_size: int = typer.Option(32, "--batch_size"),
    epochs: int = typer.Option(3, "--epochs"),
) -> None:
    run = wandb.init(
        project="corrupt_mnist",
        job_type="train",
        config={"lr": lr, "batch_size": batch_size, "epochs": epochs},
    )
    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    test_images, test_labels = test_set.tensors
    for _ in range(epochs):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
            run.log({"train_loss": loss.item(), "train_accuracy": accuracy})
        model.eval()
        with torch.no_grad():
            run.log({"validation_loss": loss_fn(model(test_images), test_labels).item()})
    run.finish()


if __name__ == "__main__":
    app()
