import argparse
import os

import torch
import wandb
from sklearn.metrics import classification_report
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))
train_set, test_set = corrupt_mnist()
loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.RMSprop(model.parameters(), lr=args.lr)
loss_fn = torch.nn.CrossEntropyLoss()
for epoch in range(args.epochs):
    model.train()
    for images, labels in loader:
        optimizer.zero_grad()
        logits = model(images)
        loss = loss_fn(logits, labels)
        loss.backward()
        optimizer.step()
        run.log({"train_loss": loss.item(), "train_accuracy": (logits.argmax(1) == labels).float().mean().item()})

model.eval()
x, y = test_set.tensors
with torch.no_grad():
    pred = model(x).argmax(1)
report = classification_report(y, pred, output_dict=True, zero_division=0)
os.makedirs("models", exist_ok=True)
torch.save(model.state_dict(), "models/model.pth")
artifact = wandb.Artifact("corrupt_mnist_model", type="model", metadata={
    "accuracy": report["accuracy"],
    "precision": report["macro avg"]["precision"],
    "recall": report["macro avg"]["recall"],
    "f1": report["macro avg"]["f1-score"],
})
artifact.add_dir("models")
run.log_artifact(artifact)
run.finish()
