import sys
from pathlib import Path

from loguru import logger

LOG_FILE = Path("my_log.log")

logger.configure(
    handlers=[
        {"sink": sys.stderr, "level": "WARNING", "format": "{time:YYYY-MM-DD HH:mm:ss} {message}"},
        {"sink": LOG_FILE, "level": "DEBUG", "rotation": "100 MB", "format": "{time} {message}"},
    ]
)

for level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    logger.log(level, "Testing the log setup")
