from argparse import ArgumentParser

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from sklearn.metrics import roc_curve
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def train_model(args, writer):
    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    step = 0
    for epoch in range(args.epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = torch.nn.functional.cross_entropy(logits, labels)
            loss.backward()
            optimizer.step()
            writer.add_scalar("train/loss", loss.item(), global_step=step)
            writer.add_scalar("train/accuracy", (logits.argmax(1) == labels).float().mean().item(), global_step=step)
            if step % 10 == 0:
                writer.add_images("train/images", images[:8], global_step=step)
                gradients = torch.cat([p.grad.flatten() for p in model.parameters()])
                writer.add_histogram("train/gradients", gradients, global_step=step)
            step += 1
    return model


def evaluate(model, writer):
    _, test_set = corrupt_mnist()
    images, labels = test_set.tensors
    model.eval()
    with torch.no_grad():
        probs = model(images).softmax(dim=1)
    fig, ax = plt.subplots(figsize=(6, 6))
    for digit in range(10):
        fpr, tpr, _ = roc_curve(labels == digit, probs[:, digit])
        ax.plot(fpr, tpr, label=str(digit))
    ax.legend()
    writer.add_figure("test/roc", fig)
    return (probs.argmax(1) == labels).float().mean().item()


if __name__ == "__main__":
    parser = ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    writer = SummaryWriter()
    model = train_model(args, writer)
    accuracy = evaluate(model, writer)
    writer.add_hparams(vars(args), {"hparam/accuracy": accuracy})
    writer.close()
