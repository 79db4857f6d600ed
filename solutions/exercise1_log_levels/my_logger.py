"""Reference solution, exercise 1: one message at each of loguru's five standard levels."""

from loguru import logger


def main() -> None:
    logger.debug("Loading the training configuration")
    logger.info("Training started with 3 epochs")
    logger.warning("The learning rate is unusually high")
    logger.error("Checkpoint could not be written, continuing without it")
    logger.critical("GPU memory exhausted, aborting the run")


if __name__ == "__main__":
    main()
