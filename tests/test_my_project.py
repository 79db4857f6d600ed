"""Tests of the course's example project: the offline corrupt-MNIST data and the CNN."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from my_project.data import corrupt_mnist  # noqa: E402
from my_project.model import MyAwesomeModel  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def test_split_shapes_and_dtypes() -> None:
    train_set, test_set = corrupt_mnist()
    assert (len(train_set), len(test_set)) == (1437, 360)
    for dataset in (train_set, test_set):
        image, label = dataset[0]
        assert image.shape == (1, 28, 28) and image.dtype == torch.float32
        assert label.shape == () and label.dtype == torch.int64
        labels = dataset.tensors[1]
        assert set(labels.tolist()) == set(range(10))
        assert torch.isfinite(dataset.tensors[0]).all()


def test_train_set_is_normalised() -> None:
    images = corrupt_mnist()[0].tensors[0]
    assert abs(images.mean().item()) < 1e-4
    assert abs(images.std().item() - 1.0) < 1e-4


def test_deterministic_and_independent_copies() -> None:
    first_train, first_test = corrupt_mnist()
    first_train.tensors[0].zero_()  # a caller changing its copy must not change the next
    second_train, second_test = corrupt_mnist()
    third_train, _ = corrupt_mnist()
    assert torch.equal(second_train.tensors[0], third_train.tensors[0])
    assert torch.equal(first_test.tensors[0], second_test.tensors[0])
    assert torch.equal(first_test.tensors[1], second_test.tensors[1])
    assert second_train.tensors[0].abs().sum() > 0


def test_same_data_in_a_fresh_process() -> None:
    code = (
        "from my_project.data import corrupt_mnist; t = corrupt_mnist()[1].tensors;"
        "print(round(float(t[0].sum()), 3), t[1][:20].tolist())"
    )
    here = corrupt_mnist()[1].tensors
    expected = f"{round(float(here[0].sum()), 3)} {here[1][:20].tolist()}"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == expected


def test_images_are_corrupted_not_plain_upscaled() -> None:
    images = corrupt_mnist()[0].tensors[0]
    background = images[:, :, 0, :]  # top rows are empty digit frame: only noise lives there
    assert background.std() > 0
    # Random shifts: the centre of mass of the digits is not the same for every image.
    weights = (images - images.amin(dim=(2, 3), keepdim=True)).squeeze(1)
    cols = (weights.sum(dim=1) * torch.arange(28)).sum(dim=1) / weights.sum(dim=(1, 2))
    assert cols.std() > 0.3


def test_the_shipped_digits_are_scikit_learns() -> None:
    """digits.bin.gz is load_digits(), byte for byte (the data is then the same tensors)."""
    import gzip

    from my_project import data

    shipped = gzip.decompress(data.DIGITS_FILE.read_bytes())
    assert (
        hashlib.sha256(shipped).digest()
        == hashlib.sha256(data.digits_bytes_from_sklearn()).digest()
    )


def test_the_data_is_the_same_as_built_from_scikit_learn_directly() -> None:
    import numpy as np
    from sklearn.datasets import load_digits

    from my_project import data

    digits = load_digits()
    images, labels = data._load_digits()
    expected = torch.as_tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    assert torch.equal(images, expected) and images.dtype == expected.dtype
    assert torch.equal(labels, torch.as_tensor(digits.target.astype(np.int64)))


def test_a_training_process_does_not_import_scikit_learn() -> None:
    code = (
        "import sys; from my_project.data import corrupt_mnist; corrupt_mnist();"
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_model_output_shape() -> None:
    model = MyAwesomeModel()
    assert model(torch.zeros(5, 1, 28, 28)).shape == (5, 10)
    with pytest.raises(ValueError, match=r"\[N, 1, 28, 28\]"):
        model(torch.zeros(5, 28, 28))


@pytest.fixture
def one_thread():
    # On a busy 2-core machine two intra-op threads wait on each other: 1 thread is as fast
    # when idle and several times faster under load.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.usefixtures("one_thread")
def test_a_few_epochs_of_adam_learn_the_digits() -> None:
    torch.manual_seed(0)
    train_set, test_set = corrupt_mnist()
    images, labels = train_set.tensors
    model = MyAwesomeModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(4):
        model.train()
        for batch in torch.randperm(len(labels)).split(64):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(images[batch]), labels[batch])
            loss.backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        predictions = model(test_set.tensors[0]).argmax(dim=1)
    accuracy = (predictions == test_set.tensors[1]).float().mean().item()
    assert accuracy > 0.75
