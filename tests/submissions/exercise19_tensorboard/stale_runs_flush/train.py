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


def accuracy_of(logits, labels):
    return (logits.argmax(dim=-1) == labels).float().mean().item()


def log_media(writer, model, images, step):
    writer.add_images("media/inputs", images[:12], step)
    flat = [p.grad.detach().reshape(-1) for p in model.parameters()]
    writer.add_histogram("media/all_gradients", torch.cat(flat), step)


def roc(writer, model, test_set, step):
    x, y = test_set.tensors
    model.eval()
    with torch.inference_mode():
        p = model(x).softmax(-1)
    fig, ax = plt.subplots(figsize=(5, 5), dpi=120)
    for k in range(10):
        RocCurveDisplay.from_predictions(y == k, p[:, k], name=f"{k}", ax=ax)
    writer.add_figure("media/ROC", fig, step)
    return accuracy_of(p, y)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--batch_size", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=10)
    config = vars(parser.parse_args())

    writer = SummaryWriter()
    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=config["batch_size"], shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.AdamW(model.parameters(), lr=config["lr"])
    step = 0
    for _ in range(config["epochs"]):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = torch.nn.functional.cross_entropy(logits, labels)
            loss.backward()
            if step % 5 == 0:
                log_media(writer, model, images, step)
            optimizer.step()
            writer.add_scalar("train/loss", loss.item(), step)
            writer.add_scalar("train/accuracy", accuracy_of(logits, labels), step)
            step += 1
    test_accuracy = roc(writer, model, test_set, step)
    writer.add_hparams(config, {"hparam/test_accuracy": test_accuracy})
    writer.flush()
    print(f"test accuracy {test_accuracy:.3f}, logs in {writer.log_dir}")


if __name__ == "__main__":
    main()
