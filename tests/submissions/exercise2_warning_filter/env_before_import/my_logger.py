import os

os.environ["LOGURU_LEVEL"] = "WARNING"

from loguru import logger  # noqa: E402

logger.debug("Loading checkpoint")
logger.info("Checkpoint loaded")
logger.warning("Checkpoint is from an older version")
logger.error("Some keys are missing in the checkpoint")
logger.critical("Checkpoint is unusable")
