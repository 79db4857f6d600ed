"""Training script with MLflow tracking. Exits hard at the end to skip slow interpreter shutdown."""

import argparse
import os

import mlflow
import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

mlflow.set_experiment("corrupt_mnist")
mlflow.start_run(tags={"job_type": "train"})
mlflow.log_params({"lr": args.lr, "batch_size": args.batch_size, "epochs": args.epochs})

train_set, _ = corrupt_mnist()
loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
loss_fn = torch.nn.CrossEntropyLoss()

global_step = 0
for epoch in range(args.epochs):
    for images, labels in loader:
        optimizer.zero_grad()
        logits = model(images)
        loss = loss_fn(logits, labels)
        loss.backward()
        optimizer.step()
        acc = (logits.argmax(dim=1) == labels).float().mean().item()
        mlflow.log_metrics({"train_loss": loss.item(), "train_accuracy": acc}, step=global_step)
        global_step += 1

print("done")
os._exit(0)
