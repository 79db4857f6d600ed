from loguru import logger

logger.remove()
logger.add(lambda msg: print(msg, end=""), level="WARNING")

logger.debug("cache miss for key 'train'")
logger.info("building the cache")
logger.warning("cache is larger than 1 GB")
logger.error("cache write failed")
logger.critical("cache directory is read-only")
