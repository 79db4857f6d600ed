import wandb

api = wandb.Api()
artifact_path = "s214513-dtu/corrupt_mnist/corrupt_mnist_model:v0"
artifact = api.artifact(artifact_path)
artifact.link(target_path="s214513-dtu/model-registry/corrupt_mnist_models")
artifact.save()
