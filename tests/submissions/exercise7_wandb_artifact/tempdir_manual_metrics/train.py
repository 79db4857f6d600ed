import argparse
import os
import tempfile

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def macro_scores(pred: torch.Tensor, true: torch.Tensor, n_classes: int = 10) -> dict:
    """Accuracy and macro precision/recall/F1, computed by hand."""
    precisions, recalls, f1s = [], [], []
    for c in range(n_classes):
        tp = ((pred == c) & (true == c)).sum().item()
        fp = ((pred == c) & (true != c)).sum().item()
        fn = ((pred != c) & (true == c)).sum().item()
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        precisions.append(p)
        recalls.append(r)
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return {
        "accuracy": (pred == true).float().mean().item(),
        "precision": sum(precisions) / n_classes,
        "recall": sum(recalls) / n_classes,
        "f1": sum(f1s) / n_classes,
    }


parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

run = wandb.init(project="corrupt_mnist", job_type="train", config=args)
train_set, test_set = corrupt_mnist()
loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, drop_last=True)
model = MyAwesomeModel()
optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True)
step = 0
for epoch in range(args.epochs):
    for x, y in loader:
        optimizer.zero_grad()
        out = model(x)
        loss = torch.nn.functional.cross_entropy(out, y)
        loss.backward()
        optimizer.step()
        run.log({"train_loss": loss.item(), "train_accuracy": (out.argmax(1) == y).float().mean().item()}, step=step)
        step += 1

x, y = test_set.tensors
model.eval()
with torch.no_grad():
    scores = macro_scores(model(x).argmax(1), y)
print(scores)

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "mnist_cnn.pth")
    torch.save(model.state_dict(), path)
    artifact = wandb.Artifact("mnist_cnn", type="model", metadata=scores)
    artifact.add_file(path)
    run.log_artifact(artifact)
run.finish()
