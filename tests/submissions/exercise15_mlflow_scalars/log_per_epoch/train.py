import argparse

import mlflow
import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch_size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=5)
    return p.parse_args()


def train(args):
    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        total_loss, correct, seen = 0.0, 0, 0
        for images, labels in loader:
            opt.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            opt.step()
            total_loss += loss.item() * len(labels)
            correct += (logits.argmax(1) == labels).sum().item()
            seen += len(labels)
        # average over the epoch
        mlflow.log_metric("train_loss", total_loss / seen, step=epoch)
        mlflow.log_metric("train_accuracy", correct / seen, step=epoch)
        print(f"epoch {epoch} loss={total_loss / seen:.3f} acc={correct / seen:.3f}")


if __name__ == "__main__":
    args = get_args()
    mlflow.set_experiment("corrupt_mnist")
    with mlflow.start_run(tags={"job_type": "train"}):
        mlflow.log_params(vars(args))
        train(args)
