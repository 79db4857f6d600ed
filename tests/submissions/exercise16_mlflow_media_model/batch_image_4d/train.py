"""Train the CNN and track it with MLflow."""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import mlflow
import torch
from sklearn.metrics import RocCurveDisplay, accuracy_score, f1_score, precision_score, recall_score
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def get_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    return parser.parse_args()


def train(args):
    torch.manual_seed(42)
    train_set, test_set = corrupt_mnist()
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    step = 0
    for epoch in range(args.epochs):
        for images, targets in loader:
            optimizer.zero_grad()
            preds = model(images)
            loss = torch.nn.functional.cross_entropy(preds, targets)
            loss.backward()
            optimizer.step()
            accuracy = (preds.argmax(dim=1) == targets).float().mean().item()
            mlflow.log_metrics({"train_loss": loss.item(), "train_accuracy": accuracy}, step=step)
            if step % 10 == 0:
                mlflow.log_image(images[:4].numpy(), f"images/batch_{step}.png")
                grads = torch.cat([p.grad.flatten() for p in model.parameters()])
                fig = plt.figure()
                plt.hist(grads.numpy(), bins=40)
                mlflow.log_figure(fig, f"gradients/hist_{step}.png")
                plt.close(fig)
            step += 1
    return model, test_set


def evaluate(model, test_set):
    model.eval()
    images, targets = test_set.tensors
    with torch.no_grad():
        probs = model(images).softmax(dim=1)
    preds = probs.argmax(dim=1)
    fig, ax = plt.subplots(figsize=(7, 7))
    for digit in range(10):
        RocCurveDisplay.from_predictions(targets == digit, probs[:, digit], ax=ax, name=str(digit))
    mlflow.log_figure(fig, "roc_curve.png")
    mlflow.log_metrics(
        {
            "accuracy": accuracy_score(targets, preds),
            "precision": precision_score(targets, preds, average="macro"),
            "recall": recall_score(targets, preds, average="macro"),
            "f1": f1_score(targets, preds, average="macro"),
        }
    )


def main():
    args = get_args()
    mlflow.set_experiment("corrupt_mnist")
    with mlflow.start_run(tags={"job_type": "train"}):
        mlflow.log_params(vars(args))
        model, test_set = train(args)
        evaluate(model, test_set)
        torch.save(model.state_dict(), "model.pth")
        mlflow.log_artifact("model.pth")


if __name__ == "__main__":
    main()
