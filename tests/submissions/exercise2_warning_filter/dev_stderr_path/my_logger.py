from loguru import logger

logger.remove()
logger.add("/dev/stderr", level="WARNING")

logger.debug("Reading the CSV file")
logger.info("CSV has 1200 rows")
logger.warning("Column 'age' has missing values")
logger.error("Column 'label' is missing")
logger.critical("No usable rows")
