import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import mlflow
import mlflow.pytorch
import numpy as np
import torch
import typer
from sklearn.metrics import RocCurveDisplay, precision_recall_fscore_support
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

app = typer.Typer()


def to_uint8(image: torch.Tensor) -> np.ndarray:
    image = image.squeeze()
    image = (image - image.min()) / (image.max() - image.min())
    return (image * 255).to(torch.uint8).numpy()


def layer_gradients(model: torch.nn.Module, epoch: int) -> None:
    """One gradient histogram per layer, in one figure."""
    named = [(n, p.grad.flatten().numpy()) for n, p in model.named_parameters() if "weight" in n]
    fig, axes = plt.subplots(1, len(named), figsize=(4 * len(named), 3))
    for ax, (name, grad) in zip(axes, named):
        ax.hist(grad, bins=30)
        ax.set_title(name)
    fig.tight_layout()
    mlflow.log_figure(fig, f"grads_per_layer/epoch_{epoch}.png")
    plt.close(fig)


@app.command()
def train(
    lr: float = typer.Option(1e-3, "--lr"),
    batch_size: int = typer.Option(32, "--batch_size"),
    epochs: int = typer.Option(5, "--epochs"),
) -> None:
    torch.manual_seed(11)
    mlflow.set_experiment("corrupt_mnist")
    mlflow.start_run(tags={"job_type": "train", "framework": "torch"})
    mlflow.log_params(dict(lr=lr, batch_size=batch_size, epochs=epochs))

    train_set, test_set = corrupt_mnist()
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    step = 0
    for epoch in range(epochs):
        model.train()
        for images, labels in DataLoader(train_set, batch_size=batch_size, shuffle=True):
            optimizer.zero_grad()
            out = model(images)
            loss = torch.nn.functional.cross_entropy(out, labels)
            loss.backward()
            optimizer.step()
            mlflow.log_metric("train_loss", loss.item(), step=step)
            mlflow.log_metric(
                "train_accuracy", (out.argmax(1) == labels).float().mean().item(), step=step
            )
            if step % 10 == 0:
                mlflow.log_image(to_uint8(images[0]), key="input_digits", step=step)
            step += 1
        layer_gradients(model, epoch)

    model.eval()
    x, y = test_set.tensors
    with torch.no_grad():
        proba = model(x).softmax(dim=1)
    fig, ax = plt.subplots(figsize=(6, 5))
    for cls in range(10):
        RocCurveDisplay.from_predictions(y == cls, proba[:, cls], ax=ax, name=f"digit {cls}")
    mlflow.log_figure(fig, "curves/roc.jpg")

    pred = proba.argmax(dim=1)
    precision, recall, f1, _ = precision_recall_fscore_support(
        y, pred, average="macro", zero_division=0
    )
    mlflow.log_metric("accuracy", (pred == y).float().mean().item())
    mlflow.log_metric("precision", precision)
    mlflow.log_metric("recall", recall)
    mlflow.log_metric("f1", f1)
    mlflow.pytorch.log_state_dict(model.state_dict(), "state_dict")
    mlflow.end_run()


if __name__ == "__main__":
    app()
