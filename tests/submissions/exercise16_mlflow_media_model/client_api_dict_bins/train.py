"""Everything through MlflowClient, no fluent API."""

import argparse
import os
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from mlflow.entities import Metric
from mlflow.tracking import MlflowClient
from sklearn.metrics import RocCurveDisplay, accuracy_score, f1_score, precision_score, recall_score
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.001)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

client = MlflowClient()  # uses MLFLOW_TRACKING_URI
experiment = client.get_experiment_by_name("corrupt_mnist")
experiment_id = (
    experiment.experiment_id if experiment else client.create_experiment("corrupt_mnist")
)
run = client.create_run(experiment_id, tags={"job_type": "train"}, run_name="client-run")
run_id = run.info.run_id
for key, value in vars(args).items():
    client.log_param(run_id, key, value)

torch.manual_seed(3)
train_set, test_set = corrupt_mnist()
model = MyAwesomeModel()
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

step = 0
for epoch in range(args.epochs):
    model.train()
    for x, y in DataLoader(train_set, batch_size=args.batch_size, shuffle=True):
        optimizer.zero_grad()
        out = model(x)
        loss = torch.nn.functional.cross_entropy(out, y)
        loss.backward()
        optimizer.step()
        now = int(time.time() * 1000)
        accuracy = (out.argmax(1) == y).float().mean().item()
        client.log_batch(
            run_id,
            metrics=[
                Metric("train_loss", loss.item(), now, step),
                Metric("train_accuracy", accuracy, now, step),
            ],
        )
        if step % 10 == 0:
            for i in range(3):
                image = x[i, 0].numpy()
                image = (image - image.min()) / (image.max() - image.min())
                client.log_image(run_id, image, f"inputs/step{step}-{i}.png")
            grads = torch.cat([p.grad.flatten() for p in model.parameters()]).numpy()
            counts, edges = np.histogram(grads, bins=40)
            client.log_dict(
                run_id,
                {"step": step, "counts": counts.tolist(), "bin_edges": edges.tolist()},
                f"grad_histograms/step{step}.json",
            )
        step += 1

model.eval()
with torch.no_grad():
    probabilities = model(test_set.tensors[0]).softmax(1)
labels = test_set.tensors[1]
predicted = probabilities.argmax(1)
figure, axes = plt.subplots(figsize=(7, 6))
for c in range(10):
    RocCurveDisplay.from_predictions(labels == c, probabilities[:, c], ax=axes, name=f"{c}")
client.log_figure(run_id, figure, "figures/roc_per_class.png")

os.makedirs("out", exist_ok=True)
torch.save(model.state_dict(), "out/corrupt_mnist_cnn.pt")
client.log_artifact(run_id, "out/corrupt_mnist_cnn.pt", artifact_path="model")
client.log_dict(
    run_id,
    {
        "accuracy": accuracy_score(labels, predicted),
        "precision": precision_score(labels, predicted, average="macro", zero_division=0),
        "recall": recall_score(labels, predicted, average="macro", zero_division=0),
        "f1": f1_score(labels, predicted, average="macro", zero_division=0),
    },
    "model/metrics.json",
)
client.set_terminated(run_id)
