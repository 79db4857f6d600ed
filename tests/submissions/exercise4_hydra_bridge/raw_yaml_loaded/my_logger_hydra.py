import os

import hydra
from hydra.core.hydra_config import HydraConfig
from loguru import logger
from omegaconf import DictConfig, OmegaConf

HERE = os.path.dirname(os.path.abspath(__file__))


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    output_dir = HydraConfig.get().runtime.output_dir
    logger.add(os.path.join(output_dir, "my_logger_hydra.log"), level="DEBUG")
    raw = OmegaConf.load(os.path.join(HERE, "config.yaml"))
    logger.info(f"Config file:\n{OmegaConf.to_yaml(raw)}")
    logger.debug("debugging")
    logger.info("informing")
    logger.warning("warning")
    logger.error("erroring")
    logger.critical("critical")


if __name__ == "__main__":
    main()
