"""Exercise 19: log a training run to TensorBoard with SummaryWriter.

Run it with `python train.py --lr=0.001 --batch_size=32 --epochs=5`, look at it with
`tensorboard --logdir runs`, then grade it with
`GRADER_CONFIG=configs/course-mlflow.toml nox -s grade -- exercise19`.
"""

import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

# TODO: import SummaryWriter from torch.utils.tensorboard (and matplotlib for the ROC figure).

LR = 1e-3
BATCH_SIZE = 32
EPOCHS = 5


def main() -> None:
    # TODO: read --lr, --batch_size and --epochs from the command line (both `--lr=0.01` and
    #       `--lr 0.01` must work) instead of the constants above.
    # TODO: create a SummaryWriter that writes below this folder (the default ./runs/ will do).
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
            # TODO: log the train loss and the train accuracy (a fraction of the batch) at
            #       every step, with a step counter as global_step.
            # TODO: every few steps, log some input images and a histogram of the gradients.
        print(f"epoch {epoch}: loss {loss.item():.3f}")
    # TODO: after training, draw the per-class ROC curves on the test set in a matplotlib
    #       figure and log it under a tag containing "roc", at the last step.
    # TODO: log the hyperparameters with add_hparams, together with a metric (test accuracy).
    # TODO: close the writer.


if __name__ == "__main__":
    main()
