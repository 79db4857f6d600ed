"""Train with typer, SGD with momentum and drop_last; TensorBoard logs in ./logs/."""

import os
from datetime import datetime

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
import typer
from sklearn.metrics import RocCurveDisplay
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main(
    lr: float = typer.Option(0.01, "--lr"),
    batch_size: int = typer.Option(64, "--batch_size"),
    epochs: int = typer.Option(2, "--epochs"),
) -> None:
    run_name = datetime.now().strftime("%Y%m%d-%H%M%S")
    writer = SummaryWriter(log_dir=os.path.join("logs", "tensorboard", run_name))
    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, drop_last=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    criterion = torch.nn.CrossEntropyLoss()

    global_step = 1
    for epoch in range(epochs):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = criterion(logits, labels)
            loss.backward()
            grads = torch.cat([p.grad.detach().flatten() for p in model.parameters()])
            writer.add_histogram("gradients", grads, global_step)
            optimizer.step()

            writer.add_scalar("training/loss", loss.item(), global_step)
            writer.add_scalar("training/accuracy", (logits.argmax(1) == labels).float().mean().item(), global_step)
            if global_step % 7 == 1:
                writer.add_image("training/first_image", images[0], global_step)
            global_step += 1
        typer.echo(f"epoch {epoch + 1}/{epochs} done, last loss {loss.item():.4f}")

    images, labels = test_set.tensors
    model.eval()
    with torch.no_grad():
        probs = torch.softmax(model(images), dim=1)
    test_accuracy = (probs.argmax(1) == labels).float().mean().item()
    fig, ax = plt.subplots(figsize=(7, 7))
    for digit in range(10):
        RocCurveDisplay.from_predictions(labels == digit, probs[:, digit], name=f"digit {digit}", ax=ax, plot_chance_level=digit == 9)
    ax.set_title("One-vs-rest ROC")
    writer.add_figure("ROC", fig, global_step)
    writer.add_hparams(
        {"lr": lr, "batch_size": batch_size, "epochs": epochs, "optimizer": "sgd"},
        {"hparam/test_accuracy": test_accuracy, "hparam/final_loss": loss.item()},
    )
    writer.close()


if __name__ == "__main__":
    typer.run(main)
