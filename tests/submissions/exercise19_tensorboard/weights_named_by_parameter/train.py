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

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    tb = SummaryWriter()
    train_set, test_set = corrupt_mnist()
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    net = MyAwesomeModel()
    optim = torch.optim.Adam(net.parameters(), lr=args.lr)
    it = 0
    for ep in range(args.epochs):
        for img, lbl in train_loader:
            optim.zero_grad()
            out = net(img)
            loss = torch.nn.functional.cross_entropy(out, lbl)
            loss.backward()
            optim.step()
            tb.add_scalar("loss", loss.item(), it)
            tb.add_scalar("accuracy", (out.argmax(1) == lbl).float().mean().item(), it)
            if it % 10 == 0:
                tb.add_images("images", img[:8], it)
                for name, weight in net.named_parameters():
                    tb.add_histogram(name, weight, it)
            it += 1

    img, lbl = test_set.tensors
    with torch.no_grad():
        prob = net(img).softmax(1)
    fig, ax = plt.subplots()
    for c in range(10):
        RocCurveDisplay.from_predictions(lbl == c, prob[:, c], name=str(c), ax=ax)
    tb.add_figure("roc", fig, it)
    tb.add_hparams(vars(args), {"hparam/accuracy": (prob.argmax(1) == lbl).float().mean().item()})
    tb.close()
