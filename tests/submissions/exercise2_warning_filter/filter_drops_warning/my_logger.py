import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, filter=lambda record: record["level"].no > 30)

logger.debug("loading images")
logger.info("loaded 1000 images")
logger.warning("100 images are blank")
logger.error("labels do not match images")
logger.critical("aborting")
