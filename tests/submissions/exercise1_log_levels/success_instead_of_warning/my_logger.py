from loguru import logger

logger.debug("this is a debug message")
logger.info("this is an info message")
logger.success("this is a warning message")
logger.error("this is an error message")
logger.critical("this is a critical message")
