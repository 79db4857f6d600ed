import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
logger.add("my_log.log", level="DEBUG", rotation="10 MB")

logger.debug("Reading config.yaml")
logger.info("Config has 4 sections")
logger.warning("Section 'optim' is empty")
logger.error("Unknown optimizer 'adamw2'")
logger.critical("Cannot build the optimizer")
