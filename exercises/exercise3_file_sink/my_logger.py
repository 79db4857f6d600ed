"""Exercise 3: WARNING and above on the terminal, every level in a rotating my_log.log.

Run it with `python my_logger.py`, then grade it with `nox -s grade -- exercise3`.
"""

import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")

# TODO: add a second sink: the file my_log.log (in the working directory) that keeps every
#       message from DEBUG up, and starts a new file once it has grown to 100 MB.


def main() -> None:
    logger.debug("Loading the training configuration")
    logger.info("Training started")
    logger.warning("The learning rate is unusually high")
    logger.error("Checkpoint could not be written")
    logger.critical("Out of memory, aborting")


if __name__ == "__main__":
    main()
