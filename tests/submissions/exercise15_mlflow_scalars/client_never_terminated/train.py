"""Logs through MlflowClient (no global state), but never marks the run as terminated."""

import argparse

import torch
from mlflow.tracking import MlflowClient
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    client = MlflowClient()
    experiment = client.get_experiment_by_name("corrupt_mnist")
    experiment_id = (
        experiment.experiment_id if experiment else client.create_experiment("corrupt_mnist")
    )
    run = client.create_run(experiment_id, tags={"job_type": "train"})
    run_id = run.info.run_id
    for name, value in vars(args).items():
        client.log_param(run_id, name, value)

    train_set, _ = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    step = 0
    for _ in range(args.epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
            client.log_metric(run_id, "train_loss", loss.item(), step=step)
            client.log_metric(run_id, "train_accuracy", accuracy, step=step)
            step += 1
    print(f"logged run {run_id}")


if __name__ == "__main__":
    main()
