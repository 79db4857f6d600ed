import tempfile
from pathlib import Path

import click
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import mlflow
import torch
from PIL import Image
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_curve
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


@click.command()
@click.option("--lr", type=float, default=0.01)
@click.option("--batch_size", type=int, default=32)
@click.option("--epochs", type=int, default=5)
def main(lr, batch_size, epochs):
    torch.manual_seed(5)
    mlflow.set_experiment("corrupt_mnist")
    with mlflow.start_run():
        mlflow.set_tag("job_type", "train")
        mlflow.log_params({"lr": lr, "batch_size": batch_size, "epochs": epochs})
        train_set, test_set = corrupt_mnist()
        model = MyAwesomeModel()
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, drop_last=True)
        step = 0
        for epoch in range(epochs):
            for x, y in loader:
                model.train()
                optimizer.zero_grad()
                logits = model(x)
                loss = torch.nn.functional.cross_entropy(logits, y)
                loss.backward()
                optimizer.step()
                mlflow.log_metrics(
                    {
                        "train_loss": float(loss),
                        "train_accuracy": float((logits.argmax(-1) == y).float().mean()),
                    },
                    step=step,
                )
                if step == 0 or step % 25 == 0:
                    pixels = x[:2, 0]
                    pixels = ((pixels - pixels.min()) / (pixels.max() - pixels.min()) * 255).byte()
                    for n, array in enumerate(pixels.numpy()):
                        mlflow.log_image(Image.fromarray(array, mode="L"), f"batch_images/{step}_{n}.png")
                    flat = torch.cat([w.grad.reshape(-1) for w in model.parameters()])
                    plt.figure(figsize=(6, 4))
                    plt.hist(flat.numpy(), bins=80)
                    plt.title(f"step {step}: gradients")
                    mlflow.log_figure(plt.gcf(), f"histograms/grad_step{step}.png")
                    plt.close()
                step += 1

        model.eval()
        with torch.no_grad():
            p = torch.softmax(model(test_set.tensors[0]), dim=-1).numpy()
        t = test_set.tensors[1].numpy()
        plt.figure(figsize=(7, 7))
        for digit in range(10):
            fpr, tpr, _ = roc_curve(t == digit, p[:, digit])
            plt.plot(fpr, tpr, label=f"{digit}")
        plt.plot([0, 1], [0, 1], ":")
        plt.legend()
        mlflow.log_figure(plt.gcf(), "roc_one_vs_rest.png")
        plt.close()

        guess = p.argmax(-1)
        mlflow.set_tags(
            {
                "final_accuracy": accuracy_score(t, guess),
                "final_precision": precision_score(t, guess, average="macro", zero_division=0),
                "final_recall": recall_score(t, guess, average="macro", zero_division=0),
                "final_f1": f1_score(t, guess, average="macro", zero_division=0),
            }
        )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "weights.pth"
            torch.save(model.state_dict(), path)
            mlflow.log_artifact(str(path), artifact_path="model")


if __name__ == "__main__":
    main()
