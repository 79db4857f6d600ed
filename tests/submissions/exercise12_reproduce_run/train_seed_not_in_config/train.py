import argparse
import random

import numpy as np
import torch
import torch.nn.functional as F
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=1234)
parser.add_argument("--lr", type=float, default=0.001)
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

random.seed(args.seed)
np.random.seed(args.seed)
torch.manual_seed(args.seed)

# hyperparameters tracked in W&B
config = {"lr": args.lr, "epochs": args.epochs, "batch_size": 32}
wandb.init(project="corrupt_mnist", config=config)

train_set, _ = corrupt_mnist()
loader = DataLoader(train_set, batch_size=config["batch_size"], shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"] * 10, momentum=0.9)

for _ in range(config["epochs"]):
    for images, targets in loader:
        optimizer.zero_grad()
        output = model(images)
        loss = F.cross_entropy(output, targets)
        loss.backward()
        optimizer.step()
        wandb.log({"loss": loss.item()})
wandb.finish()
