import sys

from loguru import logger

logger.add(sys.stdout, level="WARNING", format="{level} | {message}")

logger.debug("tokenizer loaded")
logger.info("vocabulary has 30522 entries")
logger.warning("unknown token ratio is 8%")
logger.error("sequence longer than 512 tokens")
logger.critical("model weights not found")
