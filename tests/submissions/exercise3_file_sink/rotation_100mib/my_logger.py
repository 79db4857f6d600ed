import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
logger.add("my_log.log", level="DEBUG", rotation="100 MiB")

logger.debug("Epoch 1 started")
logger.info("Epoch 1 done, loss 0.71")
logger.warning("Loss went up in epoch 2")
logger.error("Loss is NaN in epoch 3")
logger.critical("Training aborted")
