"""Training with a typer app (Annotated options), a tqdm progress bar and a rich summary."""

from typing import Annotated

import torch
import typer
import wandb
from rich.console import Console
from torch.utils.data import DataLoader
from tqdm import tqdm

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

app = typer.Typer(add_completion=False)
console = Console()


@app.command()
def train(
    lr: Annotated[float, typer.Option("--lr")] = 1e-3,
    batch_size: Annotated[int, typer.Option("--batch_size")] = 32,
    epochs: Annotated[int, typer.Option("--epochs")] = 5,
) -> None:
    run = wandb.init(
        project="corrupt_mnist",
        job_type="train",
        config={"lr": lr, "batch_size": batch_size, "epochs": epochs},
    )
    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=run.config.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=run.config.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(run.config.epochs):
        for images, labels in tqdm(loader, desc=f"epoch {epoch}"):
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
            wandb.log({"train_loss": loss.item(), "train_accuracy": accuracy})
    console.print(f"[bold]done[/bold]: last loss {loss.item():.3f}")
    run.finish()


if __name__ == "__main__":
    app()
