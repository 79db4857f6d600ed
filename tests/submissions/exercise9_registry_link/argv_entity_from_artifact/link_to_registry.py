#!/usr/bin/env python
"""Usage: python link_to_registry.py ENTITY/PROJECT/ARTIFACT:VERSION REGISTRY_NAME [--alias ALIAS ...]"""
import os
import sys

import wandb

USAGE = __doc__.strip()


def parse_argv(argv):
    positional, aliases = [], []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("--alias="):
            aliases.append(arg.split("=", 1)[1])
        elif arg == "--alias":
            if i + 1 >= len(argv):
                sys.exit(USAGE)
            aliases.append(argv[i + 1])
            i += 1
        else:
            positional.append(arg)
        i += 1
    if len(positional) != 2:
        sys.exit(USAGE)
    return positional[0], positional[1], aliases or ["latest"]


def main():
    source, registry, aliases = parse_argv(sys.argv[1:])
    if "WANDB_API_KEY" not in os.environ:
        sys.exit("WANDB_API_KEY not found in the environment")
    artifact = wandb.Api().artifact(source)
    # the registry belongs to whoever owns the artifact
    target = f"{artifact.entity}/model-registry/{registry}"
    artifact.link(target, aliases)
    print(f"linked {artifact.name} into {target} as {aliases}")


if __name__ == "__main__":
    main()
