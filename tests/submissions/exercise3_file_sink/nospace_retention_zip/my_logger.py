import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")
logger.add("my_log.log", level="DEBUG", rotation="100MB", retention="10 days", compression="zip")


def main():
    logger.debug("seed set to 42")
    logger.info("model has 1.2M parameters")
    logger.warning("dropout is disabled")
    logger.error("failed to log to the dashboard")
    logger.critical("training process killed")


if __name__ == "__main__":
    main()
