"""Exercise 4: make loguru write its log file into Hydra's run folder.

Run it with `python my_logger_hydra.py` (try `hydra.run.dir=somewhere` too), then grade it
with `nox -s grade -- exercise4`.
"""

import hydra
from loguru import logger
from omegaconf import DictConfig


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    # TODO: add a loguru file sink named my_logger_hydra.log inside the folder where Hydra
    #       writes this run's output (it changes with every run and with hydra.run.dir=...).

    # TODO: log the configuration this run received (`cfg`) through loguru.

    # TODO: log one message at each level, DEBUG to CRITICAL, through loguru.
    logger.info("Nothing configured yet")


if __name__ == "__main__":
    main()
