import os

from loguru import logger

os.environ["LOGURU_LEVEL"] = "WARNING"

logger.debug("This should be hidden")
logger.info("This should be hidden too")
logger.warning("This should be shown")
logger.error("This should be shown as well")
logger.critical("This should definitely be shown")
