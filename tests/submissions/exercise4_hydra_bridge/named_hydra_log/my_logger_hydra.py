import os

import hydra
from hydra.core.hydra_config import HydraConfig
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    output_dir = HydraConfig.get().runtime.output_dir
    logger.add(os.path.join(output_dir, "hydra.log"), level="DEBUG")
    logger.info(OmegaConf.to_yaml(cfg))
    logger.debug("debug from loguru")
    logger.info("info from loguru")
    logger.warning("warning from loguru")
    logger.error("error from loguru")
    logger.critical("critical from loguru")


if __name__ == "__main__":
    main()
