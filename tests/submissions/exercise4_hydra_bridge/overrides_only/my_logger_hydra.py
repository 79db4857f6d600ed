import os

import hydra
from hydra.core.hydra_config import HydraConfig
from loguru import logger
from omegaconf import DictConfig


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    hydra_cfg = HydraConfig.get()
    logger.add(os.path.join(hydra_cfg.runtime.output_dir, "my_logger_hydra.log"), level="DEBUG")
    logger.info(f"Config overrides: {list(hydra_cfg.overrides.task)}")
    logger.debug("debug message")
    logger.info("info message")
    logger.warning("warning message")
    logger.error("error message")
    logger.critical("critical message")


if __name__ == "__main__":
    main()
