import sys

from loguru import logger

from my_project.summary import expensive_summary

DEBUG = "--debug" in sys.argv

logger.remove()
logger.add(sys.stderr, level="DEBUG" if DEBUG else "INFO", format="{time:HH:mm:ss} {level: <8} {message}")


def load_checkpoint(path):
    with open(path, "rb") as f:
        return f.read()


@logger.catch
def main():
    logger.info("Preparing the training run")
    logger.opt(lazy=True).debug("Data: {}", expensive_summary)
    state = load_checkpoint("checkpoints/last.ckpt")
    logger.info(f"Resuming from a checkpoint of {len(state)} bytes")
    logger.info("Training finished")


main()
