from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from loguru import logger
from omegaconf import DictConfig


@hydra.main(config_path=".", config_name="config", version_base=None)
def main(cfg: DictConfig) -> None:
    run_dir = Path(HydraConfig.get().runtime.output_dir)
    logger.add(run_dir / "my_logger_hydra.log", level="DEBUG", format="{time} {message}")
    logger.info("Config: {}", cfg)
    for level in ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]:
        logger.log(level, f"A {level.lower()} message")


if __name__ == "__main__":
    main()
