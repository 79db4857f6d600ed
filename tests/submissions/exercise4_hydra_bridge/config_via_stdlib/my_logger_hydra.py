import logging
import os

import hydra
from hydra.core.hydra_config import HydraConfig
from loguru import logger
from omegaconf import DictConfig, OmegaConf

log = logging.getLogger(__name__)


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    out = HydraConfig.get().runtime.output_dir
    logger.add(os.path.join(out, "my_logger_hydra.log"), level="DEBUG")
    log.info(f"Config:\n{OmegaConf.to_yaml(cfg)}")  # Hydra already logs to this file
    logger.debug("Starting")
    logger.info("Working")
    logger.warning("Hmm")
    logger.error("Oops")
    logger.critical("Dead")


if __name__ == "__main__":
    main()
