"""python register_best.py ENTITY/PROJECT/COLLECTION --metric M --goal maximize|minimize
--registry R --alias A"""

import os
import sys

import wandb


def read_options(argv: list[str]) -> tuple[str, dict[str, str]]:
    positional, options = [], {}
    i = 0
    while i < len(argv):
        word = argv[i]
        if word.startswith("--"):
            name, sep, value = word[2:].partition("=")
            if not sep:
                i += 1
                value = argv[i]
            options[name] = value
        else:
            positional.append(word)
        i += 1
    if len(positional) != 1 or set(options) != {"metric", "goal", "registry", "alias"}:
        sys.exit(__doc__)
    return positional[0], options


collection, options = read_options(sys.argv[1:])
if options["goal"] not in ("maximize", "minimize"):
    sys.exit("--goal must be maximize or minimize")
if "WANDB_API_KEY" not in os.environ:
    sys.exit("WANDB_API_KEY is not set")

api = wandb.Api()
oldest_first = sorted(api.artifacts("model", collection), key=lambda a: int(a.version[1:]))
metric, maximize = options["metric"], options["goal"] == "maximize"
winner = None
for candidate in oldest_first:
    if metric not in candidate.metadata:
        continue
    if winner is None:
        winner = candidate
        continue
    new, old = candidate.metadata[metric], winner.metadata[metric]
    if (maximize and new >= old) or (not maximize and new <= old):
        winner = candidate

entity = collection.split("/")[0]
winner.link(f"{entity}/model-registry/{options['registry']}", aliases=[options["alias"]])
print(f"{winner.name}: {metric} = {winner.metadata[metric]}")
