"""Train MyAwesomeModel on corrupt MNIST and track it with MLflow."""

import argparse

import mlflow
import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def parse_args() -> argparse.Namespace:
    # argparse accepts both `--lr=0.01` and `--lr 0.01`.
    parser = argparse.ArgumentParser(description="Train MyAwesomeModel on corrupt MNIST.")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    torch.manual_seed(0)
    # MLFLOW_TRACKING_URI (set by the grader, or ./mlflow.db by default) says where runs go.
    mlflow.set_experiment("corrupt_mnist")

    # MLflow has no job type: a tag plays its part. Leaving the `with` block ends the run
    # (FINISHED, or FAILED if an exception escapes).
    with mlflow.start_run(tags={"job_type": "training"}):
        mlflow.log_params(vars(args))  # stored as text: '0.001', '32', '5'

        train_set, _ = corrupt_mnist()
        loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
        model = MyAwesomeModel()
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
        loss_fn = torch.nn.CrossEntropyLoss()

        step = 0
        for epoch in range(args.epochs):
            model.train()
            for images, labels in loader:
                optimizer.zero_grad()
                logits = model(images)
                loss = loss_fn(logits, labels)
                loss.backward()
                optimizer.step()
                accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
                # One value per metric per optimizer step, at that step.
                mlflow.log_metrics({"train_loss": loss.item(), "train_accuracy": accuracy}, step=step)
                step += 1
            print(f"epoch {epoch}: loss {loss.item():.3f}, accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
