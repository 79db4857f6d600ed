"""Exercise 9: link an existing W&B artifact into a model registry.

    python link_to_registry.py ENTITY/PROJECT/ARTIFACT:VERSION REGISTRY_NAME [--alias ALIAS ...]

Grade it with `nox -s grade -- exercise9`.
"""

import wandb


def main() -> None:
    # TODO: read the artifact path, the registry name and any number of --alias options from
    #       the command line (no alias given: use "latest").
    # TODO: authenticate only through the WANDB_API_KEY environment variable (a .env file loaded
    #       with python-dotenv is fine); never write a key into this file.
    # TODO: fetch the artifact with wandb.Api() and link it into
    #       ENTITY/model-registry/REGISTRY_NAME, where ENTITY is the artifact's own entity.
    print("nothing linked yet", wandb.__version__)


if __name__ == "__main__":
    main()
