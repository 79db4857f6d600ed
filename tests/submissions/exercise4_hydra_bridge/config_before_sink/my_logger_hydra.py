import os

import hydra
from hydra.core.hydra_config import HydraConfig
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    logger.info(f"Starting with config:\n{OmegaConf.to_yaml(cfg)}")
    output_dir = HydraConfig.get().runtime.output_dir
    logger.add(os.path.join(output_dir, "my_logger_hydra.log"), level="DEBUG")
    logger.debug("sink added")
    logger.info("training")
    logger.warning("slow epoch")
    logger.error("bad batch")
    logger.critical("giving up")


if __name__ == "__main__":
    main()
