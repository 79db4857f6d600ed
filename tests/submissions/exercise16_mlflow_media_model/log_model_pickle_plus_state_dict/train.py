"""MLflow tracking for the corrupt MNIST CNN: the model is logged twice, as an MLflow
model (pickle) with its metrics as metadata, and as a plain state_dict."""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import mlflow
import mlflow.pytorch
import numpy as np
import torch
from sklearn.metrics import classification_report, roc_auc_score, roc_curve
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    torch.manual_seed(7)
    mlflow.set_experiment("corrupt_mnist")
    with mlflow.start_run(run_name="cnn-pickle", tags={"job_type": "train"}) as run:
        mlflow.log_params({"lr": args.lr, "batch_size": args.batch_size, "epochs": args.epochs})
        train_set, test_set = corrupt_mnist()
        model = MyAwesomeModel()
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
        step = 0
        for epoch in range(args.epochs):
            model.train()
            for images, labels in DataLoader(train_set, batch_size=args.batch_size, shuffle=True):
                optimizer.zero_grad()
                logits = model(images)
                loss = torch.nn.functional.cross_entropy(logits, labels)
                loss.backward()
                optimizer.step()
                correct = (logits.argmax(dim=1) == labels).float().mean().item()
                mlflow.log_metrics({"train_loss": loss.item(), "train_accuracy": correct}, step=step)
                if step % 8 == 0:
                    picture = images[0, 0].numpy()
                    picture = (picture - picture.min()) / np.ptp(picture)
                    mlflow.log_image(picture, f"inputs/{step:03d}.png")
                    values = np.concatenate([p.grad.numpy().ravel() for p in model.parameters()])
                    fig, ax = plt.subplots(figsize=(5, 4))
                    ax.hist(values, bins=64, color="tab:orange")
                    ax.set_title("gradient distribution")
                    mlflow.log_figure(fig, f"gradient_hist/{step:03d}.png")
                    plt.close(fig)
                step += 1

        model.eval()
        images, labels = test_set.tensors
        with torch.no_grad():
            probs = model(images).softmax(dim=1).numpy()
        fig, ax = plt.subplots(figsize=(6, 6))
        for digit in range(10):
            fpr, tpr, _ = roc_curve(labels.numpy() == digit, probs[:, digit])
            auc = roc_auc_score(labels.numpy() == digit, probs[:, digit])
            ax.plot(fpr, tpr, label=f"{digit}: AUC={auc:.3f}")
        ax.legend(loc="lower right")
        mlflow.log_figure(fig, "ROC.png")

        report = classification_report(
            labels.numpy(), probs.argmax(axis=1), output_dict=True, zero_division=0
        )
        metadata = {
            "accuracy": report["accuracy"],
            "precision": report["macro avg"]["precision"],
            "recall": report["macro avg"]["recall"],
            "f1": report["macro avg"]["f1-score"],
        }
        info = mlflow.pytorch.log_model(
            model, name="cnn", serialization_format="pickle", metadata=metadata
        )
        mlflow.pytorch.log_state_dict(model.state_dict(), artifact_path="weights")
        print(run.info.run_id, info.model_uri, metadata)


if __name__ == "__main__":
    main()
