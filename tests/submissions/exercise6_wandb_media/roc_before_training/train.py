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


def roc_plot(model, test_set):
    x, y = test_set.tensors
    model.eval()
    with torch.no_grad():
        probs = model(x).softmax(1)
    model.train()
    fig, ax = plt.subplots(figsize=(6, 6))
    for d in range(10):
        RocCurveDisplay.from_predictions(y == d, probs[:, d], name=str(d), ax=ax)
    return fig


def main():
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
    step = 0
    for epoch in range(args.epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            row = {"train_loss": loss.item(), "train_accuracy": (logits.argmax(1) == labels).float().mean().item()}
            if step % 100 == 0:
                # all the media together, every 100 steps
                row["images"] = [wandb.Image(im) for im in images[:4]]
                row["gradients"] = wandb.Histogram(torch.cat([p.grad.flatten() for p in model.parameters()]))
                fig = roc_plot(model, test_set)
                row["roc"] = wandb.Image(fig)
                plt.close(fig)
            run.log(row)
            step += 1
    run.finish()


if __name__ == "__main__":
    main()
