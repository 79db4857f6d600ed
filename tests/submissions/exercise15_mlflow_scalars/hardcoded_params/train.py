"""Train with the command-line values, but log a params dict typed in by hand."""

import argparse

import mlflow
import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

PARAMS = {"lr": 0.001, "batch_size": 32, "epochs": 5}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=PARAMS["lr"])
    parser.add_argument("--batch_size", type=int, default=PARAMS["batch_size"])
    parser.add_argument("--epochs", type=int, default=PARAMS["epochs"])
    args = parser.parse_args()

    mlflow.set_experiment("corrupt_mnist")
    with mlflow.start_run(tags={"job_type": "train"}):
        mlflow.log_params(PARAMS)
        train_set, _ = corrupt_mnist()
        loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
        model = MyAwesomeModel()
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
        loss_fn = torch.nn.CrossEntropyLoss()
        step = 0
        for _ in range(args.epochs):
            for images, labels in loader:
                optimizer.zero_grad()
                logits = model(images)
                loss = loss_fn(logits, labels)
                loss.backward()
                optimizer.step()
                accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
                mlflow.log_metric("train_loss", loss.item(), step=step)
                mlflow.log_metric("train_accuracy", accuracy, step=step)
                step += 1


if __name__ == "__main__":
    main()
