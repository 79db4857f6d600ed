import sys

from loguru import logger

logger.remove(0)  # the default handler has id 0
logger.add(sys.stdout, level=30, format="{time:HH:mm:ss} - {message}")


def main():
    logger.debug("starting")
    logger.info("running")
    logger.warning("careful")
    logger.error("broken")
    logger.critical("dead")


if __name__ == "__main__":
    main()
