import sys

from loguru import logger

logger.configure(handlers=[{"sink": sys.stderr, "level": "WARNING"}])

logger.debug("Preparing the optimizer")
logger.info("Optimizer: Adam")
logger.warning("Weight decay is zero")
logger.error("Scheduler step skipped")
logger.critical("Optimizer state is corrupt")
