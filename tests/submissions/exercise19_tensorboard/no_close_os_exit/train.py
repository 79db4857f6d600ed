"""Exercise 19. Run: python train.py --lr=0.001 --batch_size=32 --epochs=5"""

import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from sklearn.metrics import RocCurveDisplay
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    writer = SummaryWriter()
    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    step = 0
    for _ in range(args.epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            writer.add_scalar("train/loss", loss.item(), step)
            writer.add_scalar("train/accuracy", (logits.argmax(1) == labels).float().mean().item(), step)
            if step % 10 == 0:
                writer.add_images("train/inputs", images[:8], step)
                writer.add_histogram("train/gradients", torch.cat([p.grad.flatten() for p in model.parameters()]), step)
            step += 1

    images, labels = test_set.tensors
    model.eval()
    with torch.no_grad():
        probabilities = model(images).softmax(dim=1)
    accuracy = (probabilities.argmax(1) == labels).float().mean().item()
    writer.add_hparams(vars(args), {"hparam/test_accuracy": accuracy})
    figure, axis = plt.subplots(figsize=(6, 6))
    for digit in range(10):
        RocCurveDisplay.from_predictions(labels == digit, probabilities[:, digit], name=str(digit), ax=axis)
    writer.add_figure("roc", figure, step)


if __name__ == "__main__":
    main()
    os._exit(0)  # torch takes seconds to shut down: skip it
