"""A small CNN for 1x28x28 images, quick to train on a CPU."""

from __future__ import annotations

import torch
from torch import nn


class MyAwesomeModel(nn.Module):
    """Two conv blocks and a linear classifier: ``[N, 1, 28, 28]`` -> ``[N, 10]`` logits."""

    def __init__(self, num_classes: int = 10, dropout: float = 0.2) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3),  # 28 -> 26
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> 13
            nn.Conv2d(16, 32, kernel_size=3),  # -> 11
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> 5
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(dropout),
            nn.Linear(32 * 5 * 5, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits for a batch of images."""
        if x.ndim != 4 or x.shape[1:] != (1, 28, 28):
            raise ValueError(f"expected a batch of shape [N, 1, 28, 28], got {list(x.shape)}")
        return self.classifier(self.features(x))
