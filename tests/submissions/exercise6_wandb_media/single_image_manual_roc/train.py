import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
import wandb
from sklearn.metrics import auc, roc_curve
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
    for i, (images, labels) in enumerate(loader):
        optimizer.zero_grad()
        logits = model(images)
        loss = loss_fn(logits, labels)
        loss.backward()
        optimizer.step()
        log = {"train_loss": loss.item(),
               "train_accuracy": (logits.argmax(1) == labels).float().mean().item()}
        if i % 10 == 0:
            # one example digit, with its label as caption
            log["example"] = wandb.Image(images[0], caption=f"label {labels[0].item()}")
            grads = torch.cat([p.grad.view(-1) for p in model.parameters()])
            log["grad_hist"] = wandb.Histogram(grads.numpy())
        run.log(log)

# ROC curves by hand, one per digit
model.eval()
x_test, y_test = test_set.tensors
with torch.no_grad():
    scores = torch.softmax(model(x_test), dim=1).numpy()
fig, ax = plt.subplots(figsize=(7, 6))
for c in range(10):
    fpr, tpr, _ = roc_curve(y_test.numpy() == c, scores[:, c])
    ax.plot(fpr, tpr, label=f"{c} (AUC {auc(fpr, tpr):.2f})")
ax.plot([0, 1], [0, 1], "k--")
ax.set_xlabel("false positive rate")
ax.set_ylabel("true positive rate")
ax.legend(loc="lower right")
run.log({"ROC": wandb.Image(fig)})
run.finish()
