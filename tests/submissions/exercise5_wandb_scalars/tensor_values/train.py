import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

ap = argparse.ArgumentParser()
ap.add_argument("--lr", type=float, default=1e-3)
ap.add_argument("--batch_size", type=int, default=32)
ap.add_argument("--epochs", type=int, default=5)
opts = ap.parse_args()

with wandb.init(project="corrupt_mnist", job_type="train", config=vars(opts)) as run:
    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=opts.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=opts.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(opts.epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            # 0-d tensors: wandb turns them into plain numbers
            run.log({"train_loss": loss.detach(),
                     "train_accuracy": (logits.argmax(1) == labels).float().mean()})
