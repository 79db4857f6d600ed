from loguru import logger

logger.remove()

logger.debug("debug details")
logger.info("general info")
print("WARNING: low disk space")
print("ERROR: could not write results")
print("CRITICAL: shutting down")
