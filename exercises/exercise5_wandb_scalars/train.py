"""Exercise 5: log the training of MyAwesomeModel to Weights & Biases.

Run it with `python train.py --lr=0.001 --batch_size=32 --epochs=5`, then grade it with
`nox -s grade -- exercise5`. W&B needs no account here: run with `WANDB_MODE=offline`.
"""

import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

# TODO: import wandb.

LR = 1e-3
BATCH_SIZE = 32
EPOCHS = 5


def main() -> None:
    # TODO: read --lr, --batch_size and --epochs from the command line (the `--name=value`
    #       form must work, as a W&B sweep agent uses it) instead of the constants above.
    # TODO: start a W&B run with a project, job_type="train" and the hyperparameters as config.
    torch.manual_seed(0)
    train_set, test_set = corrupt_mnist()
    loader = DataLoader(train_set, batch_size=BATCH_SIZE, shuffle=True)
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()

    for epoch in range(EPOCHS):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            # TODO: log train_loss and train_accuracy (a fraction of the batch) at every step.

        print(f"epoch {epoch}: loss {loss.item():.3f}")

    # TODO: finish the W&B run.


if __name__ == "__main__":
    main()
