import sys

from loguru import logger

logger.add(sys.stderr, level="WARNING")
logger.remove()

logger.debug("Connecting to the database")
logger.info("Connected")
logger.warning("Query took 5 seconds")
logger.error("Query failed")
logger.critical("Database is unreachable")
