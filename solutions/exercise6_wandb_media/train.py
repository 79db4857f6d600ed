"""Reference solution, exercise 6: scalars plus images, gradient histograms and ROC curves.

python train.py --lr=0.001 --batch_size=32 --epochs=5
"""

import argparse

import matplotlib

matplotlib.use("Agg")  # draw figures without a display
import matplotlib.pyplot as plt
import torch
import wandb
from sklearn.metrics import RocCurveDisplay
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

MEDIA_EVERY = 20  # optimizer steps between two image/histogram logs


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train MyAwesomeModel on corrupt MNIST.")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    return parser.parse_args()


def roc_figure(model: torch.nn.Module, test_set) -> plt.Figure:
    """One ROC curve per class (one-vs-rest) on the test set."""
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
    return figure


def main() -> None:
    args = parse_args()
    torch.manual_seed(0)
    run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))

    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=run.config.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=run.config.lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    step = 0
    for _ in range(run.config.epochs):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
            row = {"train_loss": loss.item(), "train_accuracy": accuracy}
            if step % MEDIA_EVERY == 0:
                # wandb.Image takes one image at a time: a list shows a few of the batch.
                row["input_images"] = [
                    wandb.Image(image, caption=str(int(label)))
                    for image, label in zip(images[:4], labels[:4], strict=True)
                ]
                gradients = torch.cat(
                    [p.grad.flatten() for p in model.parameters() if p.grad is not None]
                )
                row["gradients"] = wandb.Histogram(gradients.numpy())
            run.log(row)
            step += 1

    figure = roc_figure(model, test_set)
    run.log({"roc_curves": wandb.Image(figure)})
    plt.close(figure)
    run.finish()


if __name__ == "__main__":
    main()
