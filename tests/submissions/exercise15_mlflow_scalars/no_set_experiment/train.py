import argparse

import mlflow
import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.001)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

train_set, _ = corrupt_mnist()
loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
criterion = torch.nn.CrossEntropyLoss()

with mlflow.start_run(run_name="corrupt_mnist", tags={"job_type": "train"}):
    mlflow.log_params(vars(args))
    step = 0
    for epoch in range(args.epochs):
        for x, y in loader:
            optimizer.zero_grad()
            out = model(x)
            loss = criterion(out, y)
            loss.backward()
            optimizer.step()
            acc = (out.argmax(1) == y).float().mean().item()
            mlflow.log_metrics({"train_loss": loss.item(), "train_accuracy": acc}, step=step)
            step += 1
