import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
logger.add("my_log.log", level="DEBUG", rotation="99 MB")

logger.debug("reading labels")
logger.info("labels read")
logger.warning("label 7 is rare")
logger.error("label 11 is out of range")
logger.critical("labels are corrupt")
