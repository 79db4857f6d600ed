import os

import hydra
from hydra.core.hydra_config import HydraConfig
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    output_dir = HydraConfig.get().runtime.output_dir
    logger.add(os.path.join(output_dir, "my_logger_hydra.log"), level="INFO")
    logger.info(f"Config:\n{OmegaConf.to_yaml(cfg)}")
    logger.debug("Tensor shapes: (32, 1, 28, 28)")
    logger.info("Forward pass ok")
    logger.warning("Loss is high")
    logger.error("Backward pass failed")
    logger.critical("Stopping")


if __name__ == "__main__":
    main()
