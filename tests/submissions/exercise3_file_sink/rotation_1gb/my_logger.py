import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
logger.add("my_log.log", level="DEBUG", rotation="1 GB")

logger.debug("loading weights")
logger.info("weights loaded")
logger.warning("some weights unused")
logger.error("shape mismatch in layer 3")
logger.critical("model is broken")
