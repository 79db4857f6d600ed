import os

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.utils import get_original_cwd
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    # hydra.run.dir may be relative to where the app was launched
    run_dir = os.path.join(get_original_cwd(), HydraConfig.get().run.dir)
    logger.add(os.path.join(run_dir, "my_logger_hydra.log"), level="DEBUG")
    logger.info(OmegaConf.to_yaml(cfg))
    logger.debug(f"batch size {cfg.training.batch_size}")
    logger.info(f"learning rate {cfg.training.lr}")
    logger.warning("hidden size is small")
    logger.error("no GPU available")
    logger.critical("cannot train")


if __name__ == "__main__":
    main()
