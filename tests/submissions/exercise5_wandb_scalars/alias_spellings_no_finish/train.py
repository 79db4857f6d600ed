import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

parser = argparse.ArgumentParser()
parser.add_argument("--learning-rate", "--lr", dest="lr", type=float, default=1e-3)
parser.add_argument("--batch-size", "--batch_size", dest="batch_size", type=int, default=32)
parser.add_argument("--epochs", "-e", type=int, default=5)
args = parser.parse_args()

run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))

train_set, _ = corrupt_mnist()
loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

for epoch in range(args.epochs):
    for step, (x, y) in enumerate(loader):
        optimizer.zero_grad()
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
        run.log({"train_loss": loss.item(),
                 "train_accuracy": (logits.argmax(1) == y).float().mean().item()})

# no run.finish(): wandb finishes the run itself when the script ends normally
print("done")
