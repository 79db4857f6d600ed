import hydra
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    logger.add("my_logger_hydra.log", level="DEBUG")
    logger.info(OmegaConf.to_yaml(cfg))
    logger.debug("debug message")
    logger.info("info message")
    logger.warning("warning message")
    logger.error("error message")
    logger.critical("critical message")


if __name__ == "__main__":
    main()
