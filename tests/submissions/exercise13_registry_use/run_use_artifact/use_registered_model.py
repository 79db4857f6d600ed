"""Evaluate a registered model inside an evaluation run, so W&B records which model was used."""

import argparse
import os
import sys
from pathlib import Path

import torch
import wandb

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel


def evaluate(model: torch.nn.Module) -> float:
    _, test_set = corrupt_mnist()
    loader = torch.utils.data.DataLoader(test_set, batch_size=64)
    model.eval()
    correct = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(dim=1) == labels).sum().item()
    return correct / len(test_set)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model", help="ENTITY/model-registry/NAME:ALIAS")
    args = parser.parse_args()
    if not os.environ.get("WANDB_API_KEY"):
        print("error: export WANDB_API_KEY first", file=sys.stderr)
        return 2

    entity = args.model.split("/")[0]
    with wandb.init(project="corrupt_mnist", entity=entity, job_type="evaluate") as run:
        artifact = run.use_artifact(args.model, type="model")
        folder = Path(artifact.download())
        model = MyAwesomeModel()
        model.load_state_dict(torch.load(folder / "model.pth", weights_only=True))
        accuracy = evaluate(model)
        run.log({"test_accuracy": accuracy})
    print(f"accuracy: {accuracy:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
