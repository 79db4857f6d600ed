import argparse
import sys

from loguru import logger

from my_project.summary import expensive_summary


@logger.catch
def load_checkpoint(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args()
    level = "DEBUG" if args.debug else "INFO"
    logger.add(sys.stdout, level=level, format="{time:HH:mm:ss} | {level} | {message}")

    logger.info("Preparing the training run")
    logger.opt(lazy=True).debug("Data: {}", expensive_summary)
    load_checkpoint("checkpoints/last.ckpt")
    logger.info("Starting from scratch")


if __name__ == "__main__":
    main()
