from loguru import logger

epochs = 5
logger.debug(f"epochs = {epochs}")
logger.info("Training the model")
logger.warning(f"Only {epochs} epochs, accuracy may be low")
logger.error(f"Loss exploded at epoch {epoch}")
logger.critical("Giving up")
