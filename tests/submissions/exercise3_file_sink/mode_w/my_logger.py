import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
# start a fresh log file every time the script runs
logger.add("my_log.log", level="DEBUG", rotation="100 MB", mode="w")

logger.debug("Run started")
logger.info("Run configured")
logger.warning("Run is slow")
logger.error("Run failed once")
logger.critical("Run failed for good")
