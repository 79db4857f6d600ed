import sys

import mlflow
import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

# --name=value or --name value, by hand
raw = {"lr": "0.001", "batch_size": "32", "epochs": "5"}
argv = sys.argv[1:]
i = 0
while i < len(argv):
    key = argv[i].lstrip("-")
    if "=" in key:
        key, value = key.split("=", 1)
    else:
        i += 1
        value = argv[i]
    raw[key] = value
    i += 1

mlflow.set_experiment("corrupt_mnist")
mlflow.start_run(tags={"job_type": "train"})
mlflow.log_params(raw)  # MLflow keeps params as text anyway

lr, batch_size, epochs = float(raw["lr"]), int(raw["batch_size"]), int(raw["epochs"])
train_set, _ = corrupt_mnist()
loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.Adam(model.parameters(), lr=lr)
loss_fn = torch.nn.CrossEntropyLoss()
step = 0
for epoch in range(epochs):
    for images, labels in loader:
        optimizer.zero_grad()
        logits = model(images)
        loss = loss_fn(logits, labels)
        loss.backward()
        optimizer.step()
        acc = (logits.argmax(1) == labels).float().mean()
        mlflow.log_metrics({"train_loss": loss.item(), "train_accuracy": acc.item()}, step=step)
        step += 1
    print(f"epoch {epoch}: {loss.item():.3f}")
# no end_run(): MLflow's exit hook ends the active run as FINISHED
