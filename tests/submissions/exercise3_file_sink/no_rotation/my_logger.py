import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
logger.add("my_log.log", level="DEBUG")

logger.debug("step 0")
logger.info("step 100")
logger.warning("step 200 slow")
logger.error("step 300 failed")
logger.critical("stopping at step 300")
