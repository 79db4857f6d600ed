import argparse

import mlflow
import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    mlflow.set_experiment("corrupt_mnist")
    with mlflow.start_run(tags={"job_type": "train"}) as run:
        mlflow.log_params(vars(args))
        train_set, _ = corrupt_mnist()
        loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
        model = MyAwesomeModel()
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
        loss_fn = torch.nn.CrossEntropyLoss()
        step = 0
        for epoch in range(args.epochs):
            for images, labels in loader:
                optimizer.zero_grad()
                logits = model(images)
                loss = loss_fn(logits, labels)
                loss.backward()
                optimizer.step()
                accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
                mlflow.log_metrics({"train_loss": loss.item(), "train_accuracy": accuracy}, step=step)
                step += 1
        # record what the last batch really looked like
        mlflow.log_param("batch_size", len(labels))
        print(f"run {run.info.run_id} done")


if __name__ == "__main__":
    main()
