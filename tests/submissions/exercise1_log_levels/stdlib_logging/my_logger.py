import logging

logging.basicConfig(level=logging.DEBUG)
logger = logging.getLogger(__name__)

logger.debug("reading the data folder")
logger.info("model created")
logger.warning("batch size is very small")
logger.error("could not save the checkpoint")
logger.critical("out of memory, stopping")
