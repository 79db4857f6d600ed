import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
logger.add("my_log.log", level="DEBUG", rotation="100 Mb")

logger.debug("Downloading the data")
logger.info("Download finished")
logger.warning("Checksum not available")
logger.error("Archive is truncated")
logger.critical("No data, giving up")
