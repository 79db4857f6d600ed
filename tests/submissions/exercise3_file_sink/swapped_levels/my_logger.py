import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="DEBUG")
logger.add("my_log.log", level="WARNING", rotation="100 MB")

logger.debug("debug: started")
logger.info("info: working")
logger.warning("warning: slow")
logger.error("error: failed")
logger.critical("critical: dead")
