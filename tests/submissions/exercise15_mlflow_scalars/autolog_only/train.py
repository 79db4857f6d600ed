"""Let MLflow's autologging record the training (the course said it can log PyTorch)."""

import argparse

import mlflow
import mlflow.pytorch
import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    mlflow.set_experiment("corrupt_mnist")
    mlflow.pytorch.autolog()
    with mlflow.start_run(tags={"job_type": "train"}):
        mlflow.log_params(vars(args))
        train_set, _ = corrupt_mnist()
        loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
        model = MyAwesomeModel()
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
        loss_fn = torch.nn.CrossEntropyLoss()
        for epoch in range(args.epochs):
            for images, labels in loader:
                optimizer.zero_grad()
                loss = loss_fn(model(images), labels)
                loss.backward()
                optimizer.step()
            print(f"epoch {epoch}: loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
