import hydra
from loguru import logger
from omegaconf import DictConfig, OmegaConf


@hydra.main(config_path=".", config_name="config")
def main(cfg: DictConfig) -> None:
    logger.add("my_logger_hydra.log", level="DEBUG")
    logger.info("\n" + OmegaConf.to_yaml(cfg))
    logger.debug(f"batch size: {cfg.data.batch_size}")
    logger.info(f"epochs: {cfg.training.epochs}")
    logger.warning("data path is relative")
    logger.error("could not find a GPU")
    logger.critical("stopping the run")


if __name__ == "__main__":
    main()
