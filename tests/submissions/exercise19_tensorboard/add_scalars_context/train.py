import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from sklearn.metrics import roc_auc_score, roc_curve
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch_size", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=5)
    return ap.parse_args()


def main():
    args = parse()
    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    with SummaryWriter("runs/exercise19") as writer:
        step = 0
        for epoch in range(args.epochs):
            for images, labels in loader:
                optimizer.zero_grad()
                logits = model(images)
                loss = torch.nn.functional.cross_entropy(logits, labels)
                loss.backward()
                optimizer.step()
                acc = (logits.argmax(1) == labels).float().mean().item()
                writer.add_scalars("train", {"loss": loss.item(), "accuracy": acc}, step)
                if step % 10 == 0:
                    for k in range(3):
                        writer.add_image(f"inputs/sample_{k}", images[k], step)
                    for name, param in model.named_parameters():
                        if param.grad is not None:
                            writer.add_histogram(f"grad/{name}", param.grad, step)
                step += 1

        x, y = test_set.tensors
        model.eval()
        with torch.no_grad():
            proba = model(x).softmax(1)
        fig = plt.figure(figsize=(8, 6))
        for digit in range(10):
            fpr, tpr, _ = roc_curve((y == digit).int(), proba[:, digit])
            auc = roc_auc_score((y == digit).int(), proba[:, digit])
            plt.plot(fpr, tpr, label=f"{digit}: AUC={auc:.3f}")
        plt.plot([0, 1], [0, 1], linestyle=":")
        plt.xlabel("false positive rate")
        plt.ylabel("true positive rate")
        plt.legend(loc="lower right")
        writer.add_figure("test/roc_curves", fig, global_step=step)
        accuracy = (proba.argmax(1) == y).float().mean().item()
        writer.add_hparams(
            {"lr": args.lr, "batch_size": args.batch_size, "epochs": args.epochs},
            {"hparam/accuracy": accuracy},
            run_name=".",
        )


if __name__ == "__main__":
    main()
