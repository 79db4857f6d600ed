import click
import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


@click.command()
@click.option("--lr", type=float, default=1e-3, help="learning rate")
@click.option("--batch_size", type=int, default=32, help="batch size")
@click.option("--epochs", type=int, default=5, help="number of epochs")
def train(lr: float, batch_size: int, epochs: int) -> None:
    run = wandb.init(project="corrupt_mnist", job_type="train",
                     config=dict(lr=lr, batch_size=batch_size, epochs=epochs))
    train_set, _ = corrupt_mnist()
    # drop the last incomplete batch so every step sees a full batch
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, drop_last=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = torch.nn.CrossEntropyLoss()

    global_step = 0
    for _ in range(epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = criterion(logits, labels)
            loss.backward()
            optimizer.step()
            accuracy = (logits.argmax(dim=1) == labels).float().mean()
            run.log({"train_loss": loss.item(), "train_accuracy": accuracy.item()}, step=global_step)
            global_step += 1
    run.finish()


if __name__ == "__main__":
    train()
