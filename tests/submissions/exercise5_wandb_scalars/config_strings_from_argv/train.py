import sys

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

# python train.py --lr=0.001 --batch_size=32 --epochs=5
config = {"lr": "0.001", "batch_size": "32", "epochs": "5"}
for arg in sys.argv[1:]:
    key, value = arg.lstrip("-").split("=")
    config[key] = value

run = wandb.init(project="corrupt_mnist", job_type="train", config=config)

lr = float(config["lr"])
batch_size = int(config["batch_size"])
epochs = int(config["epochs"])

train_set, _ = corrupt_mnist()
loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.Adam(model.parameters(), lr=lr)
loss_fn = torch.nn.CrossEntropyLoss()
for epoch in range(epochs):
    for images, labels in loader:
        optimizer.zero_grad()
        logits = model(images)
        loss = loss_fn(logits, labels)
        loss.backward()
        optimizer.step()
        run.log({"train_loss": loss.item(),
                 "train_accuracy": (logits.argmax(1) == labels).float().mean().item()})
run.finish()
