import hydra
from loguru import logger
from omegaconf import DictConfig


@hydra.main(config_path=".", config_name="config", version_base=None)
def run(cfg: DictConfig):
    logger.add("./my_logger_hydra.log")
    logger.info(f"Running with config: {cfg}")
    logger.debug(f"hidden units: {cfg.model.hidden}")
    logger.info(f"learning rate: {cfg.training.lr}")
    logger.warning("dropout might be too low")
    logger.error("no validation set configured")
    logger.critical("cannot continue")


if __name__ == "__main__":
    run()
