"""Link an existing model artifact into the registry from a small W&B run, so that the
registration shows up in the artifact's lineage."""
import argparse
import os
import sys

import wandb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("artifact")
    parser.add_argument("registry")
    parser.add_argument("--alias", action="append")
    args = parser.parse_args()
    if not os.environ.get("WANDB_API_KEY"):
        sys.exit("set WANDB_API_KEY first")

    entity, project, _ = args.artifact.split("/")
    with wandb.init(entity=entity, project=project, job_type="register-model") as run:
        artifact = run.use_artifact(args.artifact)
        run.link_artifact(
            artifact,
            target_path=f"{entity}/model-registry/{args.registry}",
            aliases=args.alias or ["latest"],
        )


if __name__ == "__main__":
    main()
