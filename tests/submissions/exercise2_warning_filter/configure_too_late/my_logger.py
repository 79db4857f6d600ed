import sys

from loguru import logger

logger.debug("Script started")
logger.info("Setting up the logger")

logger.remove()
logger.add(sys.stderr, level="WARNING")

logger.warning("Disk usage is at 91%")
logger.error("Could not rotate the old logs")
logger.critical("Disk is full")
