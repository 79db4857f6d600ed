import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
import wandb
from PIL import Image
from sklearn.metrics import roc_curve
from sklearn.preprocessing import label_binarize
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def to_pil(t):
    t = (t - t.min()) / (t.max() - t.min() + 1e-8)
    return Image.fromarray((t.squeeze(0).numpy() * 255).astype("uint8"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--batch_size", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=5)
    args = ap.parse_args()
    wandb.init(project="mnist-media", job_type="train", config=vars(args))

    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, drop_last=True)
    model = MyAwesomeModel()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)
    step = 0
    for epoch in range(args.epochs):
        for xb, yb in loader:
            opt.zero_grad()
            out = model(xb)
            loss = torch.nn.functional.cross_entropy(out, yb)
            loss.backward()
            opt.step()
            metrics = {"train_loss": loss.item(), "train_accuracy": (out.argmax(1) == yb).float().mean().item()}
            if step % 25 == 0:
                metrics["samples"] = [wandb.Image(to_pil(im)) for im in xb[:3]]
                metrics["grads"] = wandb.Histogram(
                    torch.cat([p.grad.flatten() for p in model.parameters()]).tolist(), num_bins=50)
            wandb.log(metrics, step=step)
            step += 1

    xt, yt = test_set.tensors
    with torch.no_grad():
        probs = model(xt).softmax(1).numpy()
    y_bin = label_binarize(yt.numpy(), classes=list(range(10)))
    plt.figure(figsize=(6, 5))
    for c in range(10):
        fpr, tpr, _ = roc_curve(y_bin[:, c], probs[:, c])
        plt.plot(fpr, tpr, label=str(c))
    plt.legend()
    plt.title("one-vs-rest ROC")
    wandb.log({"test/roc": wandb.Image(plt.gcf())}, step=step)
    wandb.finish()


if __name__ == "__main__":
    main()
