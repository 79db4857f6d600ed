"""Reference solution, exercise 3: WARNING and up on the terminal, everything in my_log.log."""

import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
# The file keeps the full story; a fresh file is started once it reaches 100 MB.
logger.add("my_log.log", level="DEBUG", rotation="100 MB")


def main() -> None:
    logger.debug("Loading the training configuration")
    logger.info("Training started with 3 epochs")
    logger.warning("The learning rate is unusually high")
    logger.error("Checkpoint could not be written, continuing without it")
    logger.critical("GPU memory exhausted, aborting the run")


if __name__ == "__main__":
    main()
