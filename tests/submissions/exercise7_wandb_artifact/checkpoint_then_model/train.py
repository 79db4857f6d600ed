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
train_set, test_set = corrupt_mnist()
loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
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
    # resumable checkpoint after every epoch (model + optimizer), its own artifact type
    torch.save({"epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict()}, "checkpoint.pt")
    ckpt = wandb.Artifact("corrupt_mnist_checkpoint", type="checkpoint", metadata={"epoch": epoch})
    ckpt.add_file("checkpoint.pt")
    run.log_artifact(ckpt)

model.eval()
x, y = test_set.tensors
with torch.no_grad():
    pred = model(x).argmax(1)
torch.save(model.state_dict(), "model.pth")
final = wandb.Artifact("corrupt_mnist_model", type="model", metadata={
    "accuracy": float(accuracy_score(y, pred)),
    "precision": float(precision_score(y, pred, average="macro", zero_division=0)),
    "recall": float(recall_score(y, pred, average="macro", zero_division=0)),
    "f1": float(f1_score(y, pred, average="macro", zero_division=0)),
})
final.add_file("model.pth")
run.log_artifact(final)
run.finish()
