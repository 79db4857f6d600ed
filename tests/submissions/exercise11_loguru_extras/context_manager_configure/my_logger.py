"""Resume training if a checkpoint exists; otherwise say so and go on."""

import sys

from loguru import logger

from my_project.summary import expensive_summary

DEBUG = "--debug" in sys.argv[1:]

logger.configure(
    handlers=[
        {
            "sink": sys.stdout,
            "level": "DEBUG" if DEBUG else "INFO",
            "format": "<green>{time:HH:mm:ss.SSS}</green> <level>{level:>8}</level> {message}",
        }
    ]
)


def load_checkpoint(path):
    with open(path, "rb") as f:
        return f.read()


if __name__ == "__main__":
    logger.info("Preparing the training run")
    logger.opt(lazy=True).debug("Data: {}", lambda: expensive_summary())
    state = None
    with logger.catch(message="Could not load the checkpoint"):
        state = load_checkpoint("checkpoints/last.ckpt")
    logger.info("Starting from scratch" if state is None else "Resuming")
