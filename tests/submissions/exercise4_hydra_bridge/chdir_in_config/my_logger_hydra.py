import hydra
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    # hydra.job.chdir=true in config.yaml: the job runs inside the output folder
    logger.add("my_logger_hydra.log", level="DEBUG")
    logger.info(OmegaConf.to_yaml(cfg))
    logger.debug("optimizer built")
    logger.info(f"using {cfg.optimizer.name}")
    logger.warning("lr scheduler not set")
    logger.error("gradient clipping failed")
    logger.critical("optimizer diverged")


if __name__ == "__main__":
    main()
