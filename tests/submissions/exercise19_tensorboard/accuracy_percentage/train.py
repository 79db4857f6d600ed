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


def get_args():
    parser = argparse.ArgumentParser(description="corrupt mnist + tensorboard")
    parser.add_argument("--lr", type=float, default=0.001)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    return parser.parse_args()


def main():
    args = get_args()
    writer = SummaryWriter(comment=f"_lr{args.lr}")
    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    n_iter = 0
    for epoch in range(args.epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            preds = model(images)
            loss = torch.nn.functional.cross_entropy(preds, labels)
            loss.backward()
            optimizer.step()
            correct = (preds.argmax(dim=1) == labels).sum().item()
            accuracy = 100.0 * correct / labels.size(0)
            writer.add_scalar("Loss/train", loss.item(), n_iter)
            writer.add_scalar("Accuracy/train", accuracy, n_iter)
            if n_iter % 10 == 0:
                writer.add_images("Images/train", images[:8], n_iter)
                writer.add_histogram("Gradients/all", torch.cat([p.grad.reshape(-1) for p in model.parameters()]), n_iter)
            n_iter += 1
        print(f"epoch {epoch}: accuracy {accuracy:.1f}%")

    x, y = test_set.tensors
    model.eval()
    with torch.no_grad():
        probs = model(x).softmax(1)
    fig, ax = plt.subplots(figsize=(6, 6))
    for c in range(10):
        RocCurveDisplay.from_predictions(y == c, probs[:, c], name=f"digit {c}", ax=ax)
    writer.add_figure("ROC/test", fig, n_iter)
    writer.add_hparams(vars(args), {"hparam/test_accuracy": 100.0 * (probs.argmax(1) == y).float().mean().item()})
    writer.close()


if __name__ == "__main__":
    main()
