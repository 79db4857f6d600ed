"""Train MyAwesomeModel on corrupt MNIST and log the run to Weights & Biases.

    python train.py --lr=0.001 --batch_size=32 --epochs=5

This is where exercise 5 ended. A sweep ranks runs by one metric, so:
TODO: after every epoch, evaluate the model on the test set and log the result (for example
      `validation_loss`) with wandb.log, under the name you give as metric.name in
      configs/sweep.yaml.
"""

import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def parse_args() -> argparse.Namespace:
    # The sweep agent calls this script with one `--name=value` per sweep parameter.
    parser = argparse.ArgumentParser(description="Train MyAwesomeModel on corrupt MNIST.")
    parser.add_argument("--lr", type=float, default=1e-3, help="learning rate")
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    torch.manual_seed(0)
    run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))

    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=run.config.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=run.config.lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    for epoch in range(run.config.epochs):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
            run.log({"train_loss": loss.item(), "train_accuracy": accuracy})
        print(f"epoch {epoch}: last batch loss {loss.item():.3f}")
        # TODO: evaluate on test_set here and log the validation metric.

    run.finish()


if __name__ == "__main__":
    main()
