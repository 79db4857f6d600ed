import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))
train_set, _ = corrupt_mnist()
loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
loss_fn = torch.nn.MSELoss()

for epoch in range(args.epochs):
    for images, labels in loader:
        optimizer.zero_grad()
        probs = model(images).softmax(dim=1)
        # one-hot targets for the MSE loss, sized with the configured batch size
        target = torch.zeros(args.batch_size, 10).scatter_(1, labels.unsqueeze(1), 1.0)
        loss = loss_fn(probs, target)
        loss.backward()
        optimizer.step()
        acc = (probs.argmax(1) == labels).float().mean().item()
        run.log({"train_loss": loss.item(), "train_accuracy": acc})
run.finish()
