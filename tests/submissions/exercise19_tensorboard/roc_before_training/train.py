import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from sklearn.metrics import RocCurveDisplay
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

LOG_EVERY = 100


def roc_plot(model, test_set):
    x, y = test_set.tensors
    model.eval()
    with torch.no_grad():
        scores = model(x).softmax(dim=1)
    model.train()
    fig, ax = plt.subplots(figsize=(6, 6))
    for digit in range(10):
        RocCurveDisplay.from_predictions(y == digit, scores[:, digit], name=f"class {digit}", ax=ax)
    return fig, (scores.argmax(1) == y).float().mean().item()


def main():
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
    global_step = 0
    for epoch in range(args.epochs):
        for images, targets in loader:
            optimizer.zero_grad()
            output = model(images)
            loss = torch.nn.functional.cross_entropy(output, targets)
            loss.backward()
            optimizer.step()
            writer.add_scalar("train/loss", loss.item(), global_step)
            writer.add_scalar("train/accuracy", (output.argmax(1) == targets).float().mean().item(), global_step)
            if global_step % 10 == 0:
                writer.add_images("train/images", images[:4], global_step)
                writer.add_histogram("train/grad", torch.cat([p.grad.flatten() for p in model.parameters()]), global_step)
            if global_step % LOG_EVERY == 0:
                fig, _ = roc_plot(model, test_set)
                writer.add_figure("eval/roc", fig, global_step)
            global_step += 1
    _, accuracy = roc_plot(model, test_set)
    writer.add_hparams(vars(args), {"hparam/accuracy": accuracy})
    writer.close()


if __name__ == "__main__":
    main()
