from loguru import logger


def main():
    logger.debug("debugging the data pipeline")
    logger.info("pipeline ready")
    logger.warn("the dataset is imbalanced")
    logger.error("one shard is corrupt")
    logger.critical("no data left to train on")


if __name__ == "__main__":
    main()
