import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
logger.add("my_log.log", level="INFO", rotation="100 MB")

logger.debug("Opening the dataset")
logger.info("Dataset opened")
logger.warning("Dataset is unbalanced")
logger.error("Dataset has duplicates")
logger.critical("Dataset is unusable")
