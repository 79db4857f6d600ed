from loguru import logger

for level in ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]:
    logger.log(level, "Hello world")
