import warnings

from loguru import logger

logger.debug("Parsed 3 command line arguments")
logger.info("Starting training")
warnings.warn("The learning rate 0.5 looks too high")
logger.error("Could not reach the metrics server")
logger.critical("Disk full, cannot save the model")
