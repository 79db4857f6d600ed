"""Exercise 19: TensorBoard."""
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.metrics import auc, roc_curve
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

LR = 1e-3
BATCH_SIZE = 32
EPOCHS = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=LR)
    parser.add_argument("--batch_size", type=int, default=BATCH_SIZE)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()

    writer = SummaryWriter("runs/hparams_run")
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
            writer.add_scalar("loss", loss.item(), step)
            writer.add_scalar("accuracy", (logits.argmax(dim=1) == labels).float().mean().item(), step)
            if step % 15 == 0:
                writer.add_images("batch", images[:10], step)
                for name, p in model.named_parameters():
                    writer.add_histogram(f"{name}.grad", p.grad, step)
            step += 1

    images, labels = test_set.tensors
    with torch.no_grad():
        probs = model(images).softmax(dim=1).numpy()
    fig, ax = plt.subplots()
    for c in range(10):
        fpr, tpr, _ = roc_curve(labels.numpy() == c, probs[:, c])
        ax.plot(fpr, tpr, label=f"{c} (AUC {auc(fpr, tpr):.2f})")
    ax.plot([0, 1], [0, 1], "k--")
    ax.legend()
    writer.add_figure("ROC curves", fig, step)
    accuracy = float(np.mean(probs.argmax(1) == labels.numpy()))
    writer.add_hparams({"lr": LR, "batch_size": BATCH_SIZE, "epochs": EPOCHS}, {"hparam/accuracy": accuracy})
    writer.close()


if __name__ == "__main__":
    main()
