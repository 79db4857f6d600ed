import argparse
import os
import sys

import wandb


def main() -> int:
    parser = argparse.ArgumentParser(description="Link an existing model artifact to the model registry")
    parser.add_argument("artifact_path", help="<entity>/<project>/<artifact_name>:<version>")
    parser.add_argument("registry_name", help="name of the registered model")
    parser.add_argument("--alias", dest="aliases", action="append", metavar="ALIAS")
    args = parser.parse_args()

    if not os.getenv("WANDB_API_KEY"):
        print("ERROR: WANDB_API_KEY environment variable is required", file=sys.stderr)
        return 1

    entity, project, artifact_name = args.artifact_path.split("/")
    api = wandb.Api()
    artifact = api.artifact(args.artifact_path)
    artifact.link(
        target_path=f"{entity}/model-registry/{args.registry_name}",
        aliases=args.aliases if args.aliases else ["latest"],
    )
    artifact.save()
    print(f"Linked {artifact_name} from {entity}/{project}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
