import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import mlflow
import numpy as np
import torch
from sklearn.metrics import accuracy_score, auc, f1_score, precision_score, recall_score, roc_curve
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.001)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()
torch.manual_seed(0)

mlflow.set_experiment("corrupt_mnist")
train_set, test_set = corrupt_mnist()
model = MyAwesomeModel()
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
criterion = torch.nn.CrossEntropyLoss()
loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)


def plot_roc(model):
    model.eval()
    x, y = test_set.tensors
    with torch.no_grad():
        probs = torch.softmax(model(x), dim=1).numpy()
    fig, ax = plt.subplots(figsize=(8, 6))
    for c in range(10):
        fpr, tpr, _ = roc_curve(y.numpy() == c, probs[:, c])
        ax.plot(fpr, tpr, label=f"class {c} (AUC {auc(fpr, tpr):.2f})")
    ax.plot([0, 1], [0, 1], "k--")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.legend()
    return fig


with mlflow.start_run(run_name="cnn"):
    mlflow.set_tag("job_type", "train")
    mlflow.log_params({"lr": args.lr, "batch_size": args.batch_size, "epochs": args.epochs})
    step = 0
    for epoch in range(args.epochs):
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            out = model(x)
            loss = criterion(out, y)
            loss.backward()
            optimizer.step()
            acc = (out.argmax(1) == y).float().mean().item()
            mlflow.log_metric("train_loss", loss.item(), step=step)
            mlflow.log_metric("train_accuracy", acc, step=step)
            if step % 15 == 0:
                for i in range(3):
                    img = x[i, 0].numpy()
                    img = (img - img.min()) / (img.max() - img.min())
                    mlflow.log_image(img, f"input_images/step_{step}_img_{i}.png")
                weights = np.concatenate([p.detach().flatten().numpy() for p in model.parameters()])
                fig, ax = plt.subplots()
                ax.hist(weights, bins=100)
                ax.set_title(f"Parameters at step {step}")
                mlflow.log_figure(fig, f"weight_histograms/step_{step}.png")
                plt.close(fig)
            step += 1
        print(f"Epoch {epoch} loss {loss.item():.4f}")

    fig = plot_roc(model)
    mlflow.log_figure(fig, "roc.png")
    plt.close(fig)

    x, y = test_set.tensors
    model.eval()
    with torch.no_grad():
        preds = model(x).argmax(1).numpy()
    print("test accuracy", accuracy_score(y, preds))
    mlflow.log_metric("test_accuracy", accuracy_score(y, preds))
    mlflow.log_metric("test_precision", precision_score(y, preds, average="macro"))
    mlflow.log_metric("test_recall", recall_score(y, preds, average="macro"))
    mlflow.log_metric("test_f1", f1_score(y, preds, average="macro"))

    torch.save(model.state_dict(), "model.pth")
    mlflow.log_artifact("model.pth")
