import os

import hydra
from hydra.core.hydra_config import HydraConfig
from loguru import logger
from omegaconf import DictConfig

params = {"model": {"hidden": 128, "dropout": 0.2}, "training": {"lr": 0.001, "epochs": 5}}


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    output_dir = HydraConfig.get().runtime.output_dir
    logger.add(os.path.join(output_dir, "my_logger_hydra.log"), level="DEBUG")
    logger.info(f"Hyperparameters: {params}")
    logger.debug("Model created")
    logger.info("Training started")
    logger.warning("Learning rate warm-up disabled")
    logger.error("Could not write a checkpoint")
    logger.critical("Training stopped")


if __name__ == "__main__":
    main()
