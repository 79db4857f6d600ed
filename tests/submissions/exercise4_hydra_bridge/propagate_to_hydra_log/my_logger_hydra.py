import logging

import hydra
from loguru import logger
from omegaconf import DictConfig, OmegaConf

log = logging.getLogger(__name__)


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    # send loguru's messages into Hydra's logging setup, which already writes my_logger_hydra.log
    logging.getLogger().setLevel(logging.DEBUG)
    logger.add(lambda msg: log.log(msg.record["level"].no, msg.record["message"]), format="{message}")
    logger.info(OmegaConf.to_yaml(cfg))
    logger.debug("debug message")
    logger.info("info message")
    logger.warning("warning message")
    logger.error("error message")
    logger.critical("critical message")


if __name__ == "__main__":
    main()
