import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import mlflow
import mlflow.pytorch
import numpy as np
import torch
from sklearn.metrics import accuracy_score, precision_recall_fscore_support, roc_curve
from torch import nn, optim
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

p = argparse.ArgumentParser()
p.add_argument("--lr", type=float, default=0.001)
p.add_argument("--batch_size", type=int, default=32)
p.add_argument("--epochs", type=int, default=5)
args = p.parse_args()

torch.manual_seed(1)
mlflow.set_experiment("corrupt_mnist")
mlflow.start_run()
mlflow.set_tags({"job_type": "train"})
mlflow.log_param("lr", args.lr)
mlflow.log_param("batch_size", args.batch_size)
mlflow.log_param("epochs", args.epochs)

train_data, test_data = corrupt_mnist()
net = MyAwesomeModel()
opt = optim.Adam(net.parameters(), lr=args.lr)
loss_fn = nn.CrossEntropyLoss()

global_step = 0
for ep in range(args.epochs):
    for batch_idx, (imgs, lbls) in enumerate(DataLoader(train_data, batch_size=args.batch_size, shuffle=True)):
        opt.zero_grad()
        logits = net(imgs)
        loss = loss_fn(logits, lbls)
        loss.backward()
        opt.step()
        mlflow.log_metric("train_loss", loss.item(), step=global_step)
        mlflow.log_metric("train_accuracy", (logits.argmax(1) == lbls).sum().item() / len(lbls), step=global_step)
        if batch_idx == 0:
            pic = (imgs[0, 0] * 255 / imgs[0, 0].max()).clamp(0, 255).byte().numpy()
            mlflow.log_image(pic, f"samples/epoch{ep}.png")
            counts, edges = np.histogram(torch.cat([q.grad.view(-1) for q in net.parameters()]).numpy(), bins=30)
            mlflow.log_dict({"counts": counts.tolist(), "edges": edges.tolist()}, f"grad_hist/epoch{ep}.json")
        global_step += 1

net.eval()
with torch.no_grad():
    scores = net(test_data.tensors[0]).softmax(1).numpy()
y = test_data.tensors[1].numpy()
plt.figure(figsize=(6, 6))
for k in range(10):
    fpr, tpr, _ = roc_curve(y == k, scores[:, k])
    plt.plot(fpr, tpr, label=str(k))
plt.legend()
mlflow.log_figure(plt.gcf(), "plots/roc.png")

acc = accuracy_score(y, scores.argmax(1))
prec, rec, f1, _ = precision_recall_fscore_support(y, scores.argmax(1), average="macro", zero_division=0)
# log the model the MLflow way, with its metrics as metadata
mlflow.pytorch.log_model(
    net,
    name="model",
    serialization_format="pickle",
    metadata={"accuracy": float(acc), "precision": float(prec), "recall": float(rec), "f1": float(f1)},
)
mlflow.end_run()
