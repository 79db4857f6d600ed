import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
import typer
from sklearn.metrics import roc_curve
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

app = typer.Typer()


@app.command()
def train(
    lr: float = typer.Option(1e-3, "--lr"),
    batch_size: int = typer.Option(32, "--batch_size"),
    epochs: int = typer.Option(5, "--epochs"),
) -> None:
    writer = SummaryWriter()
    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    step = 0
    for _ in range(epochs):
        for images, labels in loader:
            if step % 25 == 0:
                writer.add_image("inputs", images[:16], step)  # what the model sees
            optimizer.zero_grad()
            logits = model(images)
            loss = torch.nn.functional.cross_entropy(logits, labels)
            loss.backward()
            if step % 25 == 0:
                writer.add_histogram("grads", torch.cat([p.grad.flatten() for p in model.parameters()]), step)
            optimizer.step()
            writer.add_scalar("train_loss", loss.item(), step)
            writer.add_scalar("train_acc", (logits.argmax(1) == labels).float().mean().item(), step)
            step += 1

    x, y = test_set.tensors
    with torch.no_grad():
        p = model(x).softmax(1)
    fig = plt.figure()
    for k in range(10):
        fpr, tpr, _ = roc_curve(y == k, p[:, k])
        plt.plot(fpr, tpr, label=str(k))
    plt.legend()
    writer.add_figure("roc", fig, step)
    writer.add_hparams({"lr": lr, "batch_size": batch_size, "epochs": epochs}, {"acc": (p.argmax(1) == y).float().mean().item()})
    writer.close()


if __name__ == "__main__":
    app()
