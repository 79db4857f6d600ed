"""Reference solution, exercise 2: every level is logged, only WARNING and up is shown."""

import sys

from loguru import logger

# loguru starts with one sink on stderr that shows DEBUG and up: replace it.
logger.remove()
logger.add(sys.stderr, level="WARNING")


def main() -> None:
    logger.debug("Loading the training configuration")
    logger.info("Training started with 3 epochs")
    logger.warning("The learning rate is unusually high")
    logger.error("Checkpoint could not be written, continuing without it")
    logger.critical("GPU memory exhausted, aborting the run")


if __name__ == "__main__":
    main()
