import torch
import wandb

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

api = wandb.Api()
artifact_name = "s214513-dtu/model-registry/corrupt_mnist_models:staging"
artifact = api.artifact(name=artifact_name)
artifact_dir = artifact.download("artifacts/model")
model = MyAwesomeModel()
model.load_state_dict(torch.load("artifacts/model/model.pth", weights_only=True))
model.eval()

_, test_set = corrupt_mnist()
images, labels = test_set.tensors
with torch.no_grad():
    accuracy = (model(images).argmax(dim=1) == labels).float().mean().item()
print(f"accuracy: {accuracy:.4f}")
