import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="ERROR")

logger.debug("Batch 1 of 100")
logger.info("Epoch 1 finished")
logger.warning("Gradient norm is large")
logger.error("NaN in the loss")
logger.critical("Training diverged")
