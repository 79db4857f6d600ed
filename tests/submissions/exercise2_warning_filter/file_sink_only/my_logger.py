from loguru import logger

logger.remove()
logger.add("warnings.log", level="WARNING")

logger.debug("step 1")
logger.info("step 2")
logger.warning("step 3 was slow")
logger.error("step 4 failed")
logger.critical("step 5 impossible")
