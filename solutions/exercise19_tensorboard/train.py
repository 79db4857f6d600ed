"""Reference solution, exercise 19: a training run logged to TensorBoard.

python train.py --lr=0.001 --batch_size=32 --epochs=5
tensorboard --logdir runs
"""

import argparse

import matplotlib

matplotlib.use("Agg")  # draw figures without a display
import matplotlib.pyplot as plt
import torch
from sklearn.metrics import RocCurveDisplay
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

MEDIA_EVERY = 10  # optimizer steps between two image/histogram logs


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train MyAwesomeModel on corrupt MNIST.")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    return parser.parse_args()


def roc_figure(model: torch.nn.Module, test_set) -> tuple[plt.Figure, float]:
    """One ROC curve per class (one against the rest) on the test set, and the test accuracy."""
    images, labels = test_set.tensors
    model.eval()
    with torch.no_grad():
        probabilities = model(images).softmax(dim=1)
    figure, axis = plt.subplots(figsize=(6, 6))
    for digit in range(10):
        RocCurveDisplay.from_predictions(
            labels == digit, probabilities[:, digit], name=f"digit {digit}", ax=axis
        )
    axis.set_title("ROC curves, one class against the rest")
    accuracy = (probabilities.argmax(dim=1) == labels).float().mean().item()
    return figure, accuracy


def main() -> None:
    args = parse_args()
    torch.manual_seed(0)
    writer = SummaryWriter()  # runs/<date>_<host>/ below the working directory

    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    step = 0
    for _ in range(args.epochs):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
            writer.add_scalar("train/loss", loss.item(), step)
            writer.add_scalar("train/accuracy", accuracy, step)
            if step % MEDIA_EVERY == 0:
                # One grid image of a few inputs (a batch [N, 1, 28, 28] goes to add_images).
                writer.add_images("train/input_images", images[:8], step)
                gradients = torch.cat(
                    [p.grad.flatten() for p in model.parameters() if p.grad is not None]
                )
                writer.add_histogram("train/gradients", gradients, step)
            step += 1

    figure, test_accuracy = roc_figure(model, test_set)
    writer.add_figure("roc_curves", figure, global_step=step)  # closes the figure
    writer.add_hparams(
        {"lr": args.lr, "batch_size": args.batch_size, "epochs": args.epochs},
        {"hparam/test_accuracy": test_accuracy},
    )
    writer.close()  # everything still queued reaches the event file


if __name__ == "__main__":
    main()
