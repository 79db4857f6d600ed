import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
logger.add("my_log.log", level="DEBUG", rotation="1 day")

logger.debug("debug line")
logger.info("info line")
logger.warning("warning line")
logger.error("error line")
logger.critical("critical line")
