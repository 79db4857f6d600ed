from loguru import logger

# only log the important stuff so nothing else shows up
logger.warning("Memory usage above 80%")
logger.error("Worker 3 died")
logger.critical("All workers died")
