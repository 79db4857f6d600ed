import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
import wandb
from sklearn.metrics import RocCurveDisplay
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


class Trainer:
    def __init__(self, args):
        self.args = args
        self.run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))
        self.train_set, self.test_set = corrupt_mnist()
        self.model = MyAwesomeModel()
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=args.lr)
        self.loss_fn = torch.nn.CrossEntropyLoss()
        self.step = 0

    def train_step(self, images, labels):
        self.optimizer.zero_grad()
        logits = self.model(images)
        loss = self.loss_fn(logits, labels)
        loss.backward()
        self.optimizer.step()
        logs = {"train_loss": loss.item(),
                "train_accuracy": (logits.argmax(1) == labels).float().mean().item()}
        if self.step % 10 == 0:
            for name, p in self.model.named_parameters():
                logs[f"gradients/{name}"] = wandb.Histogram(p.grad.detach().cpu().numpy())
            logs["inputs"] = [wandb.Image(img, caption=str(lbl.item())) for img, lbl in zip(images[:6], labels[:6])]
        self.run.log(logs)
        self.step += 1

    def fit(self):
        loader = DataLoader(self.train_set, batch_size=self.args.batch_size, shuffle=True)
        for _ in range(self.args.epochs):
            self.model.train()
            for images, labels in loader:
                self.train_step(images, labels)

    def log_roc(self):
        x, y = self.test_set.tensors
        self.model.eval()
        with torch.no_grad():
            p = self.model(x).softmax(1)
        fig, ax = plt.subplots()
        for c in range(10):
            RocCurveDisplay.from_predictions(y == c, p[:, c], name=str(c), ax=ax, plot_chance_level=(c == 9))
        self.run.log({"roc_per_class": wandb.Image(fig, caption="one-vs-rest")})
        plt.close(fig)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    trainer = Trainer(parser.parse_args())
    trainer.fit()
    trainer.log_roc()
    trainer.run.finish()
