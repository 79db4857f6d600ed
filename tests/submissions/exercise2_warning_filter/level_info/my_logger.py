import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="INFO")

logger.debug("x = 3")
logger.info("Running the experiment")
logger.warning("Results may be noisy")
logger.error("Experiment failed")
logger.critical("Machine is on fire")
