"""A small "corrupted MNIST" built offline from scikit-learn's bundled digits.

The course's corrupt MNIST needs a download; the digits ship inside scikit-learn, so this
works with no network. 1,797 8x8 digits are upscaled to 28x28, shifted and noised with a fixed
seed, split 1,437 train / 360 test and normalised with the train set's mean and std.

The digits themselves are read from ``digits.bin.gz`` beside this file (their pixels, 0-16, and
labels, one byte each), so a training run does not pay scikit-learn's ~2 s import; a test
checks the file against a fresh ``load_digits()``, and ``python -m my_project.data`` rewrites it.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

import torch
from torch.utils.data import TensorDataset

SEED = 0
N_TRAIN = 1437  # the remaining 360 images are the test set
IMAGE_SIZE = 28
DIGIT_SIZE = 20  # as in MNIST: a 20x20 digit centred in a 28x28 frame
MAX_SHIFT = 2  # pixels, each direction
NOISE_STD = 0.1  # on images scaled to [0, 1]


DIGITS_FILE = Path(__file__).with_name("digits.bin.gz")
N_DIGITS, DIGIT_PIXELS = 1797, 8 * 8


def digits_bytes_from_sklearn() -> bytes:
    """The digits as ``DIGITS_FILE`` holds them, from scikit-learn (the file's source)."""
    import numpy as np
    from sklearn.datasets import load_digits  # ~2 s to import: only to make or test the file

    digits = load_digits()
    return digits.images.astype(np.uint8).tobytes() + digits.target.astype(np.uint8).tobytes()


def _load_digits() -> tuple[torch.Tensor, torch.Tensor]:
    raw = bytearray(gzip.decompress(DIGITS_FILE.read_bytes()))
    if len(raw) != N_DIGITS * (DIGIT_PIXELS + 1):
        raise RuntimeError(f"{DIGITS_FILE} is damaged: reinstall my_project")
    pixels = torch.frombuffer(raw, dtype=torch.uint8, count=N_DIGITS * DIGIT_PIXELS)
    labels = torch.frombuffer(raw, dtype=torch.uint8, offset=N_DIGITS * DIGIT_PIXELS)
    # Exactly as from load_digits(): float64 values 0-16, then float32 / 16.
    images = pixels.to(torch.float64).reshape(N_DIGITS, 8, 8).to(torch.float32).unsqueeze(1)
    return images / 16.0, labels.to(torch.int64)


def _corrupt(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Upscale to a 20x20 digit, place it in a 28x28 frame at a random shift, add noise."""
    small = torch.nn.functional.interpolate(
        images, size=(DIGIT_SIZE, DIGIT_SIZE), mode="bilinear", align_corners=False
    )
    n = images.shape[0]
    frame = torch.zeros(n, 1, IMAGE_SIZE, IMAGE_SIZE)
    shifts = torch.randint(-MAX_SHIFT, MAX_SHIFT + 1, (n, 2), generator=generator)
    margin = (IMAGE_SIZE - DIGIT_SIZE) // 2
    for i, (dy, dx) in enumerate(shifts.tolist()):
        top, left = margin + dy, margin + dx
        frame[i, :, top : top + DIGIT_SIZE, left : left + DIGIT_SIZE] = small[i]
    return frame + NOISE_STD * torch.randn(frame.shape, generator=generator)


@functools.cache
def _build() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    images, labels = _load_digits()
    generator = torch.Generator().manual_seed(SEED)
    order = torch.randperm(images.shape[0], generator=generator)
    images = _corrupt(images[order], generator)
    labels = labels[order]
    train_images, test_images = images[:N_TRAIN], images[N_TRAIN:]
    mean, std = train_images.mean(), train_images.std()
    return (
        (train_images - mean) / std,
        labels[:N_TRAIN],
        (test_images - mean) / std,
        labels[N_TRAIN:],
    )


def corrupt_mnist() -> tuple[TensorDataset, TensorDataset]:
    """Return ``(train_set, test_set)`` of ``(image float32 [1, 28, 28], label int64)``.

    Deterministic: every call gives the same tensors (copies, so callers may change them).
    """
    train_images, train_labels, test_images, test_labels = _build()
    return (
        TensorDataset(train_images.clone(), train_labels.clone()),
        TensorDataset(test_images.clone(), test_labels.clone()),
    )


if __name__ == "__main__":
    DIGITS_FILE.write_bytes(gzip.compress(digits_bytes_from_sklearn(), compresslevel=9, mtime=0))
    print(f"wrote {DIGITS_FILE}")
