import argparse

import mlflow
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

parser = argparse.ArgumentParser()
parser.add_argument("--lr", default=0.001, type=float)
parser.add_argument("--batch_size", default=32, type=int)
parser.add_argument("--epochs", default=5, type=int)
args = parser.parse_args()

mlflow.set_experiment(experiment_name="corrupt_mnist")
mlflow.start_run()
mlflow.set_tag("job_type", "train")
mlflow.log_param("lr", args.lr)
mlflow.log_param("batch_size", args.batch_size)
mlflow.log_param("epochs", args.epochs)

train_data, _ = corrupt_mnist()
train_loader = DataLoader(train_data, batch_size=args.batch_size, shuffle=True)
net = MyAwesomeModel()
opt = torch.optim.AdamW(net.parameters(), lr=args.lr)

it = 1
for ep in range(args.epochs):
    net.train()
    for xb, yb in train_loader:
        opt.zero_grad()
        pred = net(xb)
        loss = F.cross_entropy(pred, yb)
        loss.backward()
        opt.step()
        mlflow.log_metric("train_loss", loss.item(), step=it)
        mlflow.log_metric("train_accuracy", (pred.argmax(-1) == yb).float().mean().item(), step=it)
        it += 1
    print("epoch", ep, "done")

mlflow.end_run()
