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

# keep the repository clean: TensorBoard logs go to /tmp
LOG_ROOT = "/tmp/tensorboard"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch_size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=5)
    args = p.parse_args()
    writer = SummaryWriter(log_dir=os.path.join(LOG_ROOT, f"lr{args.lr}_bs{args.batch_size}"))

    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    step = 0
    for _ in range(args.epochs):
        for x, y in loader:
            opt.zero_grad()
            out = model(x)
            loss = torch.nn.functional.cross_entropy(out, y)
            loss.backward()
            opt.step()
            writer.add_scalar("train/loss", loss.item(), step)
            writer.add_scalar("train/accuracy", (out.argmax(1) == y).float().mean().item(), step)
            if step % 10 == 0:
                writer.add_images("train/inputs", x[:8], step)
                writer.add_histogram("train/gradients", torch.cat([q.grad.flatten() for q in model.parameters()]), step)
            step += 1
    xt, yt = test_set.tensors
    with torch.no_grad():
        prob = model(xt).softmax(1)
    fig, ax = plt.subplots()
    for c in range(10):
        RocCurveDisplay.from_predictions(yt == c, prob[:, c], ax=ax, name=str(c))
    writer.add_figure("roc", fig, step)
    writer.add_hparams(vars(args), {"hparam/test_accuracy": (prob.argmax(1) == yt).float().mean().item()})
    writer.close()
    print("logs in", writer.log_dir)


if __name__ == "__main__":
    main()
