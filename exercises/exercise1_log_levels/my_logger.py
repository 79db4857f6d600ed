"""Exercise 1: log one message at each of loguru's standard levels.

Run it with `python my_logger.py`, then grade it with `nox -s grade -- exercise1`.
"""

# TODO: import loguru's ready-made logger.


def main() -> None:
    # TODO: log one message at each level: DEBUG, INFO, WARNING, ERROR and CRITICAL.
    #       print() does not count, and neither does Python's standard `logging` module.
    pass


if __name__ == "__main__":
    main()
