import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
logger.add("my_log.log", level="DEBUG", retention="100 MB")

logger.debug("Fetching batch")
logger.info("Batch fetched")
logger.warning("Batch is smaller than expected")
logger.error("Batch contains NaNs")
logger.critical("Pipeline stopped")
