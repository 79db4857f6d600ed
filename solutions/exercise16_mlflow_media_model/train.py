"""Reference solution, exercise 16: an MLflow run with input images, a gradient histogram,
the ROC figure and the trained model's state_dict with its final metrics.

python train.py --lr=0.001 --batch_size=32 --epochs=5
"""

import argparse

import matplotlib

matplotlib.use("Agg")  # draw figures without a display
import matplotlib.pyplot as plt
import mlflow
import torch
from sklearn.metrics import (
    RocCurveDisplay,
    accuracy_score,
    f1_score,
    precision_score,
    recall_score,
)
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

MEDIA_EVERY = 10  # optimizer steps between two image/histogram logs


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train MyAwesomeModel on corrupt MNIST.")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    return parser.parse_args()


def as_picture(image: torch.Tensor):
    """A [1, 28, 28] normalised image as a 28x28 array in [0, 1], what log_image takes."""
    pixels = image.squeeze(0)
    pixels = (pixels - pixels.min()) / (pixels.max() - pixels.min() + 1e-8)
    return pixels.numpy()


def gradient_figure(model: torch.nn.Module, step: int) -> plt.Figure:
    """A histogram of every parameter's gradient after loss.backward()."""
    gradients = torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None])
    figure, axis = plt.subplots(figsize=(6, 4))
    axis.hist(gradients.numpy(), bins=50)
    axis.set_yscale("log")
    axis.set_xlabel("gradient")
    axis.set_title(f"gradients at step {step}")
    return figure


def predict(model: torch.nn.Module, test_set) -> tuple[torch.Tensor, torch.Tensor]:
    """Class probabilities on the test set, and the true labels."""
    images, labels = test_set.tensors
    model.eval()
    with torch.no_grad():
        return model(images).softmax(dim=1), labels


def roc_figure(probabilities: torch.Tensor, labels: torch.Tensor) -> plt.Figure:
    """One ROC curve per class (one class against the rest)."""
    figure, axis = plt.subplots(figsize=(7, 7))
    for digit in range(10):
        RocCurveDisplay.from_predictions(
            labels == digit, probabilities[:, digit], name=f"digit {digit}", ax=axis
        )
    axis.set_title("ROC curves on the test set")
    return figure


def final_metrics(probabilities: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
    """Accuracy and macro-averaged precision, recall and F1, as fractions."""
    predictions = probabilities.argmax(dim=1)
    return {
        "test_accuracy": accuracy_score(labels, predictions),
        "test_precision": precision_score(labels, predictions, average="macro", zero_division=0),
        "test_recall": recall_score(labels, predictions, average="macro", zero_division=0),
        "test_f1": f1_score(labels, predictions, average="macro", zero_division=0),
    }


def main() -> None:
    args = parse_args()
    torch.manual_seed(0)
    mlflow.set_experiment("corrupt_mnist")
    with mlflow.start_run(tags={"job_type": "train"}):
        mlflow.log_params(vars(args))

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
                mlflow.log_metrics(
                    {"train_loss": loss.item(), "train_accuracy": accuracy}, step=step
                )
                if step % MEDIA_EVERY == 0:
                    # log_image takes one image at a time (HxW or HxWxC), not a batch.
                    for index, image in enumerate(images[:4]):
                        name = f"inputs/step{step:04d}_{index}_digit{int(labels[index])}.png"
                        mlflow.log_image(as_picture(image), name)
                    # MLflow has no histogram type: log the histogram as a figure.
                    figure = gradient_figure(model, step)
                    mlflow.log_figure(figure, f"gradients/step{step:04d}.png")
                    plt.close(figure)
                step += 1

        probabilities, labels = predict(model, test_set)
        figure = roc_figure(probabilities, labels)
        mlflow.log_figure(figure, "roc_curves.png")
        plt.close(figure)

        mlflow.log_metrics(final_metrics(probabilities, labels))
        # Only the weights: they load anywhere with torch.load(..., weights_only=True).
        torch.save(model.state_dict(), "model.pth")
        mlflow.log_artifact("model.pth", artifact_path="model")


if __name__ == "__main__":
    main()
