import sys

from loguru import logger

from my_project.summary import expensive_summary

logger.remove()
logger.add(sys.stderr, level="INFO", format="{time:HH:mm:ss} | {level} | {message}")


@logger.catch
def load_checkpoint(path):
    with open(path, "rb") as f:
        return f.read()


logger.info("Preparing the training run")
logger.opt(lazy=True).debug("Data: {}", expensive_summary)
load_checkpoint("checkpoints/last.ckpt")
logger.info("Starting from scratch")
