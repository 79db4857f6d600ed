import argparse
from pathlib import Path

import torch
import wandb
from sklearn.metrics import accuracy_score, precision_recall_fscore_support
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def evaluate(model, dataset):
    x, y = dataset.tensors
    model.eval()
    with torch.no_grad():
        pred = model(x).argmax(1)
    p, r, f, _ = precision_recall_fscore_support(y, pred, average="macro", zero_division=0)
    return {"accuracy": float(accuracy_score(y, pred)), "precision": float(p), "recall": float(r), "f1": float(f)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--out", default="checkpoints")
    args = parser.parse_args()
    run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))

    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    for _ in range(args.epochs):
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            out = model(x)
            loss = torch.nn.functional.cross_entropy(out, y)
            loss.backward()
            optimizer.step()
            wandb.log({"train_loss": loss.item(), "train_accuracy": (out.argmax(1) == y).float().mean().item()})

    metrics = evaluate(model, test_set)
    wandb.log({f"test_{k}": v for k, v in metrics.items()})
    ckpt = Path(args.out) / "corrupt_mnist.ckpt"
    ckpt.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), ckpt)
    artifact = wandb.Artifact("corrupt-mnist-cnn", type="model", metadata=metrics)
    artifact.add_file(str(ckpt), name="weights/model.ckpt")
    wandb.log_artifact(artifact, aliases=["latest", "final"])
    wandb.finish()


if __name__ == "__main__":
    main()
