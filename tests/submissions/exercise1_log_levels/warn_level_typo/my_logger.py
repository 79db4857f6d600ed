from loguru import logger

logger.log("DEBUG", "debug message")
logger.log("INFO", "info message")
logger.log("WARN", "warning message")
logger.log("ERROR", "error message")
logger.log("CRITICAL", "critical message")
