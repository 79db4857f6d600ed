from loguru import logger

logger.debug("Starting the script")
logger.info("Loaded 60000 training images")
logger.warning("No GPU found, falling back to CPU")
logger.error("Validation loss is NaN")
