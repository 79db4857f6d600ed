import hydra
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config", version_base="1.1")
def main(cfg: DictConfig) -> None:
    # with version_base 1.1 Hydra runs the job inside its output folder
    logger.add("my_logger_hydra.log", level="DEBUG")
    logger.info(f"Configuration:\n{OmegaConf.to_yaml(cfg)}")
    logger.debug("debug message")
    logger.info("info message")
    logger.warning("warning message")
    logger.error("error message")
    logger.critical("critical message")


if __name__ == "__main__":
    main()
