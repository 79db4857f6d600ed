"""Reference solution, exercise 7: log the trained model as a W&B artifact with its metrics.

python train.py --lr=0.001 --batch_size=32 --epochs=5
"""

import argparse

import torch
import wandb
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train MyAwesomeModel on corrupt MNIST.")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    return parser.parse_args()


def final_metrics(model: torch.nn.Module, test_set) -> dict[str, float]:
    """Accuracy and macro-averaged precision, recall and F1 on the test set, as fractions."""
    images, labels = test_set.tensors
    model.eval()
    with torch.no_grad():
        predictions = model(images).argmax(dim=1)
    return {
        "accuracy": accuracy_score(labels, predictions),
        "precision": precision_score(labels, predictions, average="macro", zero_division=0),
        "recall": recall_score(labels, predictions, average="macro", zero_division=0),
        "f1": f1_score(labels, predictions, average="macro", zero_division=0),
    }


def main() -> None:
    args = parse_args()
    torch.manual_seed(0)
    run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))

    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=run.config.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=run.config.lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    for _ in range(run.config.epochs):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
            run.log({"train_loss": loss.item(), "train_accuracy": accuracy})

    metrics = final_metrics(model, test_set)
    # Save only the weights: they load anywhere with torch.load(..., weights_only=True).
    torch.save(model.state_dict(), "model.pth")
    artifact = wandb.Artifact(
        name="corrupt_mnist_model",
        type="model",
        description="MyAwesomeModel trained on corrupt MNIST",
        metadata={name: float(value) for name, value in metrics.items()},
    )
    artifact.add_file("model.pth")
    run.log_artifact(artifact)
    run.finish()


if __name__ == "__main__":
    main()
