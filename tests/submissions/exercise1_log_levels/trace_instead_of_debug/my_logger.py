from loguru import logger

logger.trace("Entering main")
logger.info("Hello from loguru")
logger.warning("Something looks odd")
logger.error("Something went wrong")
logger.critical("Something went very wrong")
