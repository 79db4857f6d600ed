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
args = parser.parse_args()

with SummaryWriter() as writer:
    # the hyperparameters first, so they are there even if training crashes
    writer.add_hparams(vars(args), {}, run_name=".")
    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    step = 0
    for epoch in range(args.epochs):
        for x, y in loader:
            optimizer.zero_grad()
            logits = model(x)
            loss = torch.nn.functional.cross_entropy(logits, y)
            loss.backward()
            optimizer.step()
            writer.add_scalar("loss", loss.item(), step)
            writer.add_scalar("acc", (logits.argmax(1) == y).float().mean().item(), step)
            if step % 10 == 0:
                writer.add_images("x", x[:8], step)
                writer.add_histogram("grad", torch.cat([p.grad.flatten() for p in model.parameters()]), step)
            step += 1
    xt, yt = test_set.tensors
    with torch.no_grad():
        prob = model(xt).softmax(1)
    fig, ax = plt.subplots()
    for c in range(10):
        RocCurveDisplay.from_predictions(yt == c, prob[:, c], name=str(c), ax=ax)
    writer.add_figure("roc", fig, step)
