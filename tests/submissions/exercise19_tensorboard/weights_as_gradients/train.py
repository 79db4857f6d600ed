"""Train MyAwesomeModel and log the run to TensorBoard (a small Trainer class)."""

from __future__ import annotations

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


class Trainer:
    def __init__(self, lr: float, batch_size: int, epochs: int) -> None:
        self.hparams = {"lr": lr, "batch_size": batch_size, "epochs": epochs}
        self.train_set, self.test_set = corrupt_mnist()
        self.model = MyAwesomeModel()
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=lr)
        self.loss_fn = torch.nn.CrossEntropyLoss()
        self.writer = SummaryWriter(log_dir="runs/trainer")
        self.step = 0

    def log_step(self, images, loss, accuracy) -> None:
        self.writer.add_scalar("loss/train", loss, self.step)
        self.writer.add_scalar("accuracy/train", accuracy, self.step)
        if self.step % 10 == 0:
            self.writer.add_images("inputs", images[:6], self.step)
            for name, param in self.model.named_parameters():
                self.writer.add_histogram(f"gradients/{name}", param, self.step)

    def fit(self) -> None:
        loader = DataLoader(self.train_set, batch_size=self.hparams["batch_size"], shuffle=True)
        for _ in range(self.hparams["epochs"]):
            self.model.train()
            for images, labels in loader:
                self.optimizer.zero_grad()
                logits = self.model(images)
                loss = self.loss_fn(logits, labels)
                loss.backward()
                self.log_step(images, loss.item(), (logits.argmax(1) == labels).float().mean().item())
                self.optimizer.step()
                self.step += 1

    def evaluate(self) -> float:
        images, labels = self.test_set.tensors
        self.model.eval()
        with torch.no_grad():
            probs = self.model(images).softmax(1)
        fig, ax = plt.subplots()
        for digit in range(10):
            RocCurveDisplay.from_predictions(labels == digit, probs[:, digit], name=f"{digit}", ax=ax)
        self.writer.add_figure("roc", fig, self.step)
        return (probs.argmax(1) == labels).float().mean().item()

    def close(self, accuracy: float) -> None:
        self.writer.add_hparams(self.hparams, {"test_accuracy": accuracy})
        self.writer.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.001)
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    trainer = Trainer(args.lr, args.batch_size, args.epochs)
    trainer.fit()
    trainer.close(trainer.evaluate())
