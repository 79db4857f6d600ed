import sys

from loguru import logger

logger.configure(handlers=[{"sink": sys.stdout, "format": "{time:HH:mm:ss} {message}"}])

logger.debug("loading corrupt MNIST")
logger.info("dataset has 30000 images")
logger.warning("some images are rotated")
logger.error("label file has missing entries")
logger.critical("cannot continue without labels")
