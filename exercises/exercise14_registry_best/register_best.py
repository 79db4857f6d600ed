"""Exercise 14: link the best version of an artifact collection into a model registry.

    python register_best.py ENTITY/PROJECT/COLLECTION --metric NAME --goal maximize|minimize
                            --registry REGISTRY --alias ALIAS

Grade it with `nox -s grade -- exercise14`.
"""

import wandb


def main() -> None:
    # TODO: read the collection path and the --metric, --goal, --registry and --alias options
    #       (both `--metric accuracy` and `--metric=accuracy` must work).
    # TODO: authenticate only through the WANDB_API_KEY environment variable (a .env file
    #       loaded with python-dotenv is fine); exit with a clear message when it is missing.
    # TODO: go over every version of the collection with wandb.Api() and pick the best one by
    #       the metric in its metadata: skip versions without it; on a tie the newest wins.
    # TODO: link that version (only that one) into ENTITY/model-registry/REGISTRY with the
    #       alias, ENTITY being the collection's own entity.
    print("nothing registered yet", wandb.__version__)


if __name__ == "__main__":
    main()
