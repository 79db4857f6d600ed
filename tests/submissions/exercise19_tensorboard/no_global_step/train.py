# Exercise 19 - TensorBoard logging (flat script)
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from sklearn.metrics import RocCurveDisplay
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

writer = SummaryWriter()
train_set, test_set = corrupt_mnist()
loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
model = MyAwesomeModel()
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
criterion = torch.nn.CrossEntropyLoss()

for epoch in range(args.epochs):
    for i, (x, y) in enumerate(loader):
        optimizer.zero_grad()
        out = model(x)
        loss = criterion(out, y)
        loss.backward()
        optimizer.step()
        acc = (out.argmax(1) == y).float().mean().item()
        writer.add_scalar("Loss/train", loss.item())
        writer.add_scalar("Accuracy/train", acc)
        if i % 10 == 0:
            writer.add_images("inputs", x[:8])
            grads = torch.cat([p.grad.view(-1) for p in model.parameters()])
            writer.add_histogram("gradients", grads)
    print("epoch", epoch, "loss", loss.item())

x_test, y_test = test_set.tensors
model.eval()
with torch.no_grad():
    probs = torch.softmax(model(x_test), dim=1)
fig, ax = plt.subplots(figsize=(7, 7))
for c in range(10):
    RocCurveDisplay.from_predictions(y_test == c, probs[:, c], name=str(c), ax=ax)
writer.add_figure("ROC", fig)
test_acc = (probs.argmax(1) == y_test).float().mean().item()
writer.add_hparams(vars(args), {"hparam/test_acc": test_acc})
writer.close()
