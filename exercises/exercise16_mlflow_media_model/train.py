"""Exercise 16: an MLflow run with input images, a gradient histogram, the ROC figure and the
trained model's state_dict with its final metrics.

Run it with `python train.py --lr=0.001 --batch_size=32 --epochs=5`, then grade it with
`GRADER_CONFIG=configs/course-mlflow.toml nox -s grade -- exercise16`. MLflow needs no server:
by hand it logs to ./mlflow.db (see the runs with `mlflow ui --backend-store-uri sqlite:///mlflow.db`).
"""

import torch
from torch.utils.data import DataLoader

from my_project.data import corrupt_mnist
from my_project.model import MyAwesomeModel

# TODO: import mlflow (and matplotlib with the "Agg" backend, to draw figures without a screen).

LR = 1e-3
BATCH_SIZE = 32
EPOCHS = 5


def main() -> None:
    # TODO: read --lr, --batch_size and --epochs from the command line (the `--name=value`
    #       form must work) instead of the constants above.
    # TODO: as in exercise 15: the experiment "corrupt_mnist", a run tagged job_type="train",
    #       the hyperparameters as params.
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
            # TODO: now and then, log a few input images (mlflow.log_image, one per call) and
            #       a histogram of the gradients (a figure, or its bins with mlflow.log_dict),
            #       under a path containing "grad".
        print(f"epoch {epoch}: loss {loss.item():.3f}")

    # TODO: after training, draw the per-class ROC curves on the test set in a matplotlib
    #       figure and log it with mlflow.log_figure under a name containing "roc".
    # TODO: compute the final accuracy, precision, recall and f1 on the test set and log them.
    # TODO: save model.state_dict() to a file and log that file as an artifact of the run.


if __name__ == "__main__":
    main()
