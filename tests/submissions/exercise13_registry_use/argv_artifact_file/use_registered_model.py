"""Usage: python use_registered_model.py ENTITY/model-registry/NAME:ALIAS"""

import os
import sys

import torch
import wandb

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

if len(sys.argv) != 2:
    sys.exit(__doc__)
if "WANDB_API_KEY" not in os.environ:
    sys.exit("set WANDB_API_KEY first")

artifact = wandb.Api().artifact(sys.argv[1])
weights = artifact.file(root="downloaded")  # the artifact holds exactly one file

net = MyAwesomeModel()
net.load_state_dict(torch.load(weights, weights_only=True))
net.eval()

test_images, test_labels = corrupt_mnist()[1].tensors
with torch.inference_mode():
    hits = (net(test_images).argmax(1) == test_labels).sum().item()
print(f"{sys.argv[1]} test accuracy: {hits / len(test_labels):.4f}")
