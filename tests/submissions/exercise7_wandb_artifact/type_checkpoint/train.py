import argparse

import torch
import wandb
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

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
    model.train()
    for images, labels in loader:
        optimizer.zero_grad()
        logits = model(images)
        loss = loss_fn(logits, labels)
        loss.backward()
        optimizer.step()
        run.log({"train_loss": loss.item(), "train_accuracy": (logits.argmax(1) == labels).float().mean().item()})

model.eval()
x_test, y_test = test_set.tensors
with torch.no_grad():
    y_pred = model(x_test).argmax(1)
accuracy = accuracy_score(y_test, y_pred)
precision = precision_score(y_test, y_pred, average="macro", zero_division=0)
recall = recall_score(y_test, y_pred, average="macro", zero_division=0)
f1 = f1_score(y_test, y_pred, average="macro", zero_division=0)
print(f"accuracy {accuracy:.3f} precision {precision:.3f} recall {recall:.3f} f1 {f1:.3f}")

torch.save(model.state_dict(), "mnist_cnn.ckpt")
artifact = wandb.Artifact("mnist_cnn", type="checkpoint")
artifact.metadata.update(accuracy=accuracy, precision=precision, recall=recall, f1=f1)
artifact.add_file("mnist_cnn.ckpt")
run.log_artifact(artifact)
run.finish()
