import argparse

import torch
import wandb
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    run = wandb.init(project="corrupt_mnist", job_type="train", config=vars(args))

    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        for step, (images, labels) in enumerate(loader):
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            row = {"train_loss": loss.item(), "train_accuracy": (logits.argmax(1) == labels).float().mean().item()}
            if step % 10 == 0:
                row["images"] = [wandb.Image(x) for x in images[:4]]
                row["gradients"] = wandb.Histogram(torch.cat([p.grad.flatten() for p in model.parameters()]))
            run.log(row)

    x_test, y_test = test_set.tensors
    with torch.no_grad():
        probas = model(x_test).softmax(dim=1).numpy()
    # W&B's built-in ROC chart instead of a matplotlib figure
    run.log({"roc": wandb.plot.roc_curve(y_test.numpy(), probas, labels=[str(d) for d in range(10)])})
    run.finish()


if __name__ == "__main__":
    main()
