"""Exercise 11: logger.catch, a terminal format of your own, and a lazy DEBUG message.

Run it with `python my_logger.py` and `python my_logger.py --debug`, then grade it with
`nox -s grade -- exercise11`.
"""

import sys

from loguru import logger

from my_project.summary import expensive_summary  # noqa: F401 (you will need it below)

# TODO: read a --debug flag from the command line (argparse, or look into sys.argv).
# TODO: replace loguru's default sink by a terminal sink of your own: level INFO, or DEBUG when
#       --debug was given, and a format that shows the time (HH:MM:SS), the level and the message.
logger.remove()
logger.add(sys.stderr, level="DEBUG")


# TODO: let loguru catch and log what this function raises, so that the script can go on.
def load_checkpoint(path: str) -> bytes:
    with open(path, "rb") as checkpoint:  # there is no checkpoint yet: this raises
        return checkpoint.read()


def main() -> None:
    logger.info("Preparing the training run")
    # TODO: log the result of expensive_summary() at DEBUG, so that the function only runs
    #       when the message is actually shown (that is, with --debug).
    state = load_checkpoint("checkpoints/last.ckpt")
    if state is None:
        logger.warning("No checkpoint could be loaded, starting from scratch")
    logger.info("Training finished")


if __name__ == "__main__":
    main()
