import os

import hydra
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    log_file = os.path.join(os.getcwd(), "my_logger_hydra.log")
    logger.add(log_file, level="DEBUG")
    logger.info("Config:\n" + OmegaConf.to_yaml(cfg))
    logger.debug("Building the model")
    logger.info("Model built")
    logger.warning("Model is very small")
    logger.error("Model failed a sanity check")
    logger.critical("Model is unusable")


if __name__ == "__main__":
    main()
