import logging
import os

import hydra
from hydra.core.hydra_config import HydraConfig
from loguru import logger
from omegaconf import DictConfig, OmegaConf

log = logging.getLogger(__name__)


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    run_dir = HydraConfig.get().runtime.output_dir
    logger.add(os.path.join(run_dir, "my_logger_hydra.log"))
    logger.info(OmegaConf.to_yaml(cfg))
    log.debug("preparing the data loaders")
    log.info("data loaders ready")
    log.warning("num_workers is 0")
    log.error("pin_memory is not supported here")
    log.critical("no data loader could be built")


if __name__ == "__main__":
    main()
