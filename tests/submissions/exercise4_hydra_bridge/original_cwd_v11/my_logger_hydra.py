import os

import hydra
from hydra.utils import get_original_cwd
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config", version_base="1.1")
def main(cfg: DictConfig) -> None:
    logger.add(os.path.join(get_original_cwd(), "my_logger_hydra.log"), level="DEBUG")
    logger.info(OmegaConf.to_yaml(cfg))
    logger.debug("d")
    logger.info("i")
    logger.warning("w")
    logger.error("e")
    logger.critical("c")


if __name__ == "__main__":
    main()
