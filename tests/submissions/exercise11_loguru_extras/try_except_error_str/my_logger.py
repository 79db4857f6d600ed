import argparse
import sys

from loguru import logger

from my_project.summary import expensive_summary

parser = argparse.ArgumentParser()
parser.add_argument("--debug", action="store_true")
args = parser.parse_args()

logger.remove()
logger.add(sys.stderr, level="DEBUG" if args.debug else "INFO", format="{time:HH:mm:ss} | {level} | {message}")


def load_checkpoint(path):
    with open(path, "rb") as f:
        return f.read()


logger.info("Preparing the training run")
logger.opt(lazy=True).debug("Data: {}", expensive_summary)
try:
    load_checkpoint("checkpoints/last.ckpt")
except FileNotFoundError as e:
    logger.error(str(e))
logger.info("Starting from scratch")
