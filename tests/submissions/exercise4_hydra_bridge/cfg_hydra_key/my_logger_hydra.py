import os

import hydra
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    logger.add(os.path.join(cfg.hydra.run.dir, "my_logger_hydra.log"), level="DEBUG")
    logger.info(OmegaConf.to_yaml(cfg))
    logger.debug("debug")
    logger.info("info")
    logger.warning("warning")
    logger.error("error")
    logger.critical("critical")


if __name__ == "__main__":
    main()
