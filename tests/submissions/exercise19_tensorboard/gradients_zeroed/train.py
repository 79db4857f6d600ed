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

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=5)


def train(args):
    writer = SummaryWriter("runs/zeroed")
    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        for batch_idx, (data, target) in enumerate(loader):
            step = epoch * len(loader) + batch_idx
            output = model(data)
            loss = torch.nn.functional.cross_entropy(output, target)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=False)
            writer.add_scalar("Train/Loss", loss.item(), step)
            writer.add_scalar("Train/Acc", output.argmax(1).eq(target).float().mean().item(), step)
            if batch_idx % 10 == 0:
                writer.add_images("Train/Input", data[:8], step)
                for name, param in model.named_parameters():
                    writer.add_histogram(f"Grad/{name}", param.grad, step)
    return writer, model, test_set, step


def main():
    args = parser.parse_args()
    writer, model, test_set, step = train(args)
    data, target = test_set.tensors
    model.eval()
    with torch.no_grad():
        scores = torch.softmax(model(data), dim=1)
    fig, ax = plt.subplots()
    for digit in range(10):
        RocCurveDisplay.from_predictions(target == digit, scores[:, digit], name=str(digit), ax=ax)
    writer.add_figure("Test/ROC", fig, step)
    writer.add_hparams({"lr": args.lr, "batch_size": args.batch_size, "epochs": args.epochs}, {"hparam/acc": scores.argmax(1).eq(target).float().mean().item()})
    writer.close()


if __name__ == "__main__":
    main()
