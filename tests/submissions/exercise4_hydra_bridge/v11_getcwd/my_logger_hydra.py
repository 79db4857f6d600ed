import os

import hydra
from loguru import logger
from omegaconf import DictConfig


@hydra.main(config_path=".", config_name="config", version_base="1.1")
def my_app(cfg: DictConfig) -> None:
    log_file = os.path.join(os.getcwd(), "my_logger_hydra.log")
    logger.add(log_file)
    logger.info(cfg)
    logger.debug(f"logging to {log_file}")
    logger.info("hello")
    logger.warning("careful")
    logger.error("oops")
    logger.critical("boom")


if __name__ == "__main__":
    my_app()
