"""Exercise 15: log the training of MyAwesomeModel to MLflow.

Run it with `python train.py --lr=0.001 --batch_size=32 --epochs=5`, then grade it with
`GRADER_CONFIG=configs/course-mlflow.toml nox -s grade -- exercise15`. MLflow needs no server
here: without MLFLOW_TRACKING_URI it writes to ./mlflow.db beside the script.
"""

import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

# TODO: import mlflow.

LR = 1e-3
BATCH_SIZE = 32
EPOCHS = 5


def main() -> None:
    # TODO: read --lr, --batch_size and --epochs from the command line (the `--name=value`
    #       form must work) instead of the constants above.
    # TODO: choose the experiment "corrupt_mnist", start a run tagged job_type="train" and
    #       log the three hyperparameters as its params.
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
            # TODO: log train_loss and train_accuracy (a fraction of the batch) at every
            #       step, passing the step number.

        print(f"epoch {epoch}: loss {loss.item():.3f}")

    # TODO: end the MLflow run (or let a `with` block end it).


if __name__ == "__main__":
    main()
