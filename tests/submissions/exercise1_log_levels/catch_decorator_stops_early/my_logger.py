from loguru import logger


@logger.catch
def train():
    logger.debug("setting up training")
    logger.info("starting epoch 1")
    logger.warning("learning rate may be too high")
    accuracy = 10 / 0  # the error is caught and logged by loguru
    logger.critical(f"accuracy {accuracy} is too low")


train()
