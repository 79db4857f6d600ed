from loguru import logger

logger.remove()

logger.debug("model built")
logger.info("starting training")
logger.warning("loss is not decreasing")
logger.error("checkpoint folder missing")
logger.critical("training crashed")
