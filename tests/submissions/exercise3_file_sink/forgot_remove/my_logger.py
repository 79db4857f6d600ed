import sys

from loguru import logger

logger.add(sys.stderr, level="WARNING")
logger.add("my_log.log", level="DEBUG", rotation="100 MB")

logger.debug("Parsing arguments")
logger.info("Arguments parsed")
logger.warning("Argument --lr is deprecated")
logger.error("Argument --epochs must be positive")
logger.critical("Invalid arguments, exiting")
