"""Reference solution, exercise 4: loguru writes its log next to Hydra's, in the run folder."""

import os

import hydra
from hydra.core.hydra_config import HydraConfig
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    # Hydra decides the run folder (and may be told another one on the command line).
    output_dir = HydraConfig.get().runtime.output_dir
    logger.add(os.path.join(output_dir, "my_logger_hydra.log"), level="DEBUG")

    logger.info(f"Composed configuration:\n{OmegaConf.to_yaml(cfg)}")
    logger.debug("Debugging details for the curious")
    logger.info(f"Training for {cfg.training.epochs} epochs")
    logger.warning("The learning rate is unusually high")
    logger.error("Checkpoint could not be written, continuing without it")
    logger.critical("GPU memory exhausted, aborting the run")


if __name__ == "__main__":
    main()
