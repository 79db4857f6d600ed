import argparse

import torch
import wandb
from torch import nn
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.01)
parser.add_argument("--batch_size", type=int, default=64)
parser.add_argument("--epochs", type=int, default=3)
args = parser.parse_args()

# the Namespace goes straight in, wandb turns it into a dict itself
wandb.init(project="mlops-corrupt-mnist", job_type="train", config=args)

train_set, _ = corrupt_mnist()
train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
criterion = nn.CrossEntropyLoss()

for epoch in range(args.epochs):
    for x, y in train_loader:
        optimizer.zero_grad()
        out = model(x)
        loss = criterion(out, y)
        loss.backward()
        optimizer.step()
        acc = (out.argmax(1) == y).sum().item() / y.size(0)
        wandb.log({"train_loss": loss.item(), "train_accuracy": acc})
    print("epoch", epoch, "done")

wandb.finish()
