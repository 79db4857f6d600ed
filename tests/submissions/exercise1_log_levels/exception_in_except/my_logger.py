from loguru import logger

logger.opt(colors=True).debug("<blue>debug</blue> details")
logger.bind(stage="train").info("training started")
logger.warning("validation set is small")
try:
    1 / 0
except ZeroDivisionError:
    logger.exception("division went wrong")
logger.critical("stopping now")
