import sys

from loguru import logger


def important(record):
    return record["level"].no >= logger.level("WARNING").no


logger.remove()
logger.add(sys.stderr, filter=important, enqueue=True)

logger.debug("same text at every level")
logger.info("same text at every level")
logger.warning("same text at every level")
logger.error("same text at every level")
logger.critical("same text at every level")
