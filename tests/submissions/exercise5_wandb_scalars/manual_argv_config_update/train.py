import sys

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

# defaults, overridden from the command line below
hparams = {"lr": 0.001, "batch_size": 32, "epochs": 5}
types = {"lr": float, "batch_size": int, "epochs": int}

argv = sys.argv[1:]
i = 0
while i < len(argv):
    arg = argv[i]
    if "=" in arg:
        name, value = arg[2:].split("=", 1)
        i += 1
    else:
        name, value = arg[2:], argv[i + 1]
        i += 2
    hparams[name] = types[name](value)

wandb.init(project="corrupt_mnist", job_type="train")
wandb.config.update(hparams)

train_set, test_set = corrupt_mnist()
loader = DataLoader(train_set, batch_size=hparams["batch_size"], shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.Adam(model.parameters(), lr=hparams["lr"])
loss_fn = torch.nn.CrossEntropyLoss()

for epoch in range(hparams["epochs"]):
    for images, labels in loader:
        optimizer.zero_grad()
        preds = model(images)
        loss = loss_fn(preds, labels)
        loss.backward()
        optimizer.step()
        correct = (preds.argmax(dim=1) == labels).sum().item()
        wandb.log({"train_loss": loss.item(), "train_accuracy": correct / len(labels)})

wandb.finish()
