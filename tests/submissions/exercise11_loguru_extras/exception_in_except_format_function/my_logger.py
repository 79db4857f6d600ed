import argparse
import sys

from loguru import logger

from my_project.summary import expensive_summary


class Deferred:
    """Formats as the function's result, computed only when loguru formats the message."""

    def __init__(self, function):
        self.function = function

    def __format__(self, spec):
        return format(self.function(), spec)


def terminal_format(record):
    return "{time:hh:mm:ss A} {level.name} {message}\n{exception}"


def load_checkpoint(path):
    with open(path, "rb") as f:
        return f.read()


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    logger.remove()
    logger.add(sys.stderr, level="DEBUG" if args.debug else "INFO", format=terminal_format)

    logger.info("Preparing the training run")
    logger.debug("Data: {}", Deferred(expensive_summary))
    try:
        load_checkpoint("checkpoints/last.ckpt")
    except OSError:
        logger.exception("Could not load the checkpoint")
    logger.info("Starting from scratch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
