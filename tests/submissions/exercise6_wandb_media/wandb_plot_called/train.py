import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
import wandb
from sklearn.metrics import RocCurveDisplay
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))
train_set, _ = corrupt_mnist()
loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
loss_fn = torch.nn.CrossEntropyLoss()

for epoch in range(args.epochs):
    preds, targets = [], []
    for i, (img, target) in enumerate(loader):
        optimizer.zero_grad()
        y_pred = model(img)
        loss = loss_fn(y_pred, target)
        loss.backward()
        optimizer.step()
        wandb.log({"train_loss": loss.item(),
                   "train_accuracy": (y_pred.argmax(1) == target).float().mean().item()})
        preds.append(y_pred.detach())
        targets.append(target)
        if i % 10 == 0:
            wandb.log({"images": [wandb.Image(im) for im in img[:5]]})
            grads = torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None])
            wandb.log({"gradients": wandb.Histogram(grads)})

preds = torch.cat(preds)
targets = torch.cat(targets)
for class_id in range(10):
    one_hot = torch.zeros_like(targets)
    one_hot[targets == class_id] = 1
    RocCurveDisplay.from_predictions(one_hot, preds[:, class_id], name=f"ROC curve for {class_id}",
                                     ax=plt.gca())
wandb.plot({"roc": plt})
wandb.finish()
