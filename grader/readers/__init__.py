"""Read what loguru, Hydra and W&B wrote during a student run."""
