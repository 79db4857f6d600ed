"""Reference solution, exercise 11: logger.catch, a format of our own, lazy DEBUG messages.

`python my_logger.py` shows INFO and up; `python my_logger.py --debug` shows DEBUG too, and only
then is the expensive summary computed.
"""

import argparse
import sys

from loguru import logger

from my_project.summary import expensive_summary

TERMINAL_FORMAT = "{time:HH:mm:ss} | {level: <8} | {message}"


def configure_logging(debug: bool) -> None:
    logger.remove()
    logger.add(sys.stderr, level="DEBUG" if debug else "INFO", format=TERMINAL_FORMAT)


@logger.catch
def load_checkpoint(path: str) -> bytes:
    with open(path, "rb") as checkpoint:  # there is no checkpoint yet: FileNotFoundError
        return checkpoint.read()


def main() -> None:
    parser = argparse.ArgumentParser(description="Resume training, logging with loguru.")
    parser.add_argument("--debug", action="store_true", help="also show DEBUG messages")
    args = parser.parse_args()
    configure_logging(args.debug)

    logger.info("Preparing the training run")
    # A callable, evaluated by loguru only if some sink will show the message.
    logger.opt(lazy=True).debug("Training data: {}", expensive_summary)
    state = load_checkpoint("checkpoints/last.ckpt")  # logged with its traceback, returns None
    if state is None:
        logger.warning("No checkpoint could be loaded, starting from scratch")
    logger.info("Training finished")


if __name__ == "__main__":
    main()
