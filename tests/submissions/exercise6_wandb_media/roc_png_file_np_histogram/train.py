"""Exercise 6 -- media logging."""
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
import wandb
from sklearn.metrics import RocCurveDisplay
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch_size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=5)
    return p.parse_args()


def main():
    args = parse()
    run = wandb.init(project="corrupt_mnist", job_type="train")
    run.config.update(vars(args))
    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    criterion = torch.nn.CrossEntropyLoss()

    for epoch in range(args.epochs):
        for step, (x, y) in enumerate(loader):
            optimizer.zero_grad()
            out = model(x)
            loss = criterion(out, y)
            loss.backward()
            if step % 5 == 0:
                g = np.concatenate([p.grad.detach().numpy().ravel() for p in model.parameters()])
                run.log({"gradients": wandb.Histogram(np_histogram=np.histogram(g, bins=64)),
                         "inputs": [wandb.Image(img.squeeze(0).numpy()) for img in x[:8]]},
                        commit=False)
            optimizer.step()
            run.log({"train_loss": loss.item(), "train_accuracy": (out.argmax(1) == y).float().mean().item()})

    x_test, y_test = test_set.tensors
    model.eval()
    with torch.no_grad():
        proba = model(x_test).softmax(1).numpy()
    fig, ax = plt.subplots(figsize=(8, 8))
    for k in range(10):
        RocCurveDisplay.from_predictions(y_test.numpy() == k, proba[:, k], name=str(k), ax=ax)
    fig.savefig("roc.png", dpi=80)
    run.log({"roc_curve": wandb.Image("roc.png")})
    run.finish()


if __name__ == "__main__":
    main()
