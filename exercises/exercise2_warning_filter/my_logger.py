"""Exercise 2: keep logging every level, but only show WARNING and above on the terminal.

Run it with `python my_logger.py`, then grade it with `nox -s grade -- exercise2`.
"""

from loguru import logger

# TODO: configure loguru so that DEBUG and INFO messages no longer reach the terminal,
#       while WARNING, ERROR and CRITICAL still do (on stdout or stderr, your choice).


def main() -> None:
    logger.debug("Loading the training configuration")
    logger.info("Training started")
    logger.warning("The learning rate is unusually high")
    logger.error("Checkpoint could not be written")
    logger.critical("Out of memory, aborting")


if __name__ == "__main__":
    main()
