from loguru import logger

logger.debug("debug")
logger.info("info")
logger.warning("warning")
logger.exception("error")
logger.critical("critical")
