import os
import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
log_path = os.path.join(os.getcwd(), "my_log.log")
logger.add(log_path, level="DEBUG", rotation="100 MB", compression="gz", delay=True)

logger.debug(f"Logging to {log_path}")
logger.info("Evaluation started")
logger.warning("Test set is smaller than the training set")
logger.error("Accuracy could not be computed for class 5")
logger.critical("Evaluation aborted")
