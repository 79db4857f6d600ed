import argparse
import os

import torch
import wandb
from sklearn import metrics as skm
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

MODEL_FILE = "trained_model.pth"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    with wandb.init(project="corrupt_mnist", job_type="train", config=vars(args)) as run:
        train_set, test_set = corrupt_mnist()
        loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
        model = MyAwesomeModel()
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
        for _ in range(args.epochs):
            for x, y in loader:
                optimizer.zero_grad()
                logits = model(x)
                loss = torch.nn.functional.cross_entropy(logits, y)
                loss.backward()
                optimizer.step()
                run.log({"train_loss": loss.item(), "train_accuracy": (logits.argmax(1) == y).float().mean().item()})

        x, y = test_set.tensors
        model.eval()
        with torch.no_grad():
            pred = model(x).argmax(1).numpy()
        y = y.numpy()
        scores = {
            "accuracy": skm.accuracy_score(y, pred),
            "precision": skm.precision_score(y, pred, average="macro", zero_division=0),
            "recall": skm.recall_score(y, pred, average="macro", zero_division=0),
            "f1": skm.f1_score(y, pred, average="macro", zero_division=0),
        }
        torch.save(model.state_dict(), MODEL_FILE)
        artifact = wandb.Artifact("corrupt_mnist_model", type="model", metadata=scores)
        artifact.add_file(MODEL_FILE)
        run.log_artifact(artifact)
    # the model lives in W&B now, no need to keep a local copy around
    os.remove(MODEL_FILE)


if __name__ == "__main__":
    main()
