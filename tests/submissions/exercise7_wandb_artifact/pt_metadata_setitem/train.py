import argparse

import torch
import wandb
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score
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
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
loss_fn = torch.nn.CrossEntropyLoss()

for epoch in range(args.epochs):
    preds, targets = [], []
    for img, target in loader:
        optimizer.zero_grad()
        y_pred = model(img)
        loss = loss_fn(y_pred, target)
        loss.backward()
        optimizer.step()
        run.log({"train_loss": loss.item(), "train_accuracy": (y_pred.argmax(1) == target).float().mean().item()})
        preds.append(y_pred.detach().argmax(1))
        targets.append(target)

# final metrics on the training predictions of the last epoch, as in the course text
preds = torch.cat(preds)
targets = torch.cat(targets)
torch.save(model.state_dict(), "model.pt")
artifact = wandb.Artifact(name="corrupt_mnist_model", type="model", description="CNN on corrupt MNIST")
artifact.metadata["accuracy"] = accuracy_score(targets, preds)
artifact.metadata["precision"] = precision_score(targets, preds, average="weighted", zero_division=0)
artifact.metadata["recall"] = recall_score(targets, preds, average="weighted", zero_division=0)
artifact.metadata["f1"] = f1_score(targets, preds, average="weighted", zero_division=0)
artifact.add_file("model.pt")
run.log_artifact(artifact)
run.finish()
