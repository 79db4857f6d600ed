import sys

from loguru import logger

logger.remove()
logger.add(sys.stdout, level="WARNING")
logger.add("my_log.log", level="DEBUG", rotation=100_000_000)

logger.debug("Image size is 28x28")
logger.info("Using 10 classes")
logger.warning("Class 3 has few examples")
logger.error("Class 9 has no examples")
logger.critical("Cannot train on an empty class")
