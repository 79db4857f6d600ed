import sys

from loguru import logger

logger.add(sys.stderr, level="WARNING")

logger.debug("Starting data loading")
logger.info("Data loaded")
logger.warning("Found 12 duplicate images")
logger.error("Image 42 cannot be decoded")
logger.critical("Dataset is empty")
