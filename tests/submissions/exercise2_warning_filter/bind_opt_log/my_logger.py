import sys

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING", format="[{extra[run]}] {level}: {message}")
log = logger.bind(run="exp-01")

log.log("DEBUG", "batch shapes look fine")
log.opt(lazy=True).info("mean loss {}", lambda: 0.42)
log.warning("validation accuracy dropped")
log.error("could not upload metrics")
log.critical("ran out of GPU memory")
