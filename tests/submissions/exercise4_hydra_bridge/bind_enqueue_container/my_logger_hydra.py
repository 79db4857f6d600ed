import os
import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    out = HydraConfig.get().runtime.output_dir
    logger.configure(
        handlers=[
            {"sink": sys.stderr, "level": "INFO"},
            {"sink": os.path.join(out, "my_logger_hydra.log"), "level": "DEBUG", "enqueue": True},
        ]
    )
    log = logger.bind(job=HydraConfig.get().job.name)
    log.info(f"params: {OmegaConf.to_container(cfg, resolve=True)}")
    log.debug("debug")
    log.info("info")
    log.warning("warning")
    log.error("error")
    log.critical("critical")


if __name__ == "__main__":
    main()
