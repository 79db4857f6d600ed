import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING", enqueue=True)
logger.add("my_log.log", level="DEBUG", rotation="100 MB", enqueue=True)

logger.debug("Worker started")
logger.info("Worker is processing job 17")
logger.warning("Job 17 is taking long")
logger.error("Job 17 failed, retrying")
logger.critical("Job 17 failed permanently")
logger.complete()
