import os
import sys

os.environ["LOGURU_LEVEL"] = "DEBUG" if "--debug" in sys.argv else "INFO"
os.environ["LOGURU_FORMAT"] = "{time:HH:mm:ss} - {level} - {message}"

from loguru import logger  # noqa: E402

from my_project.summary import expensive_summary  # noqa: E402


def load_checkpoint(path):
    with open(path, "rb") as f:
        return f.read()


logger.info("Preparing the training run")
logger.opt(lazy=True).debug("Data: {summary}", summary=expensive_summary)
state = logger.catch(load_checkpoint)("checkpoints/last.ckpt")
if state is None:
    logger.warning("No checkpoint, starting from scratch")
