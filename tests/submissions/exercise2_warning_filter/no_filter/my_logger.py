from loguru import logger

logger.debug("debug: reading config")
logger.info("info: config read")
logger.warning("warning: config has unknown keys")
logger.error("error: config is invalid")
logger.critical("critical: cannot start")
