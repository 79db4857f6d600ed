"""python register_model.py RUN_ID MODEL_NAME --alias A [--alias B]"""
import sys

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException


def parse(argv):
    positional, aliases = [], []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("--alias="):
            aliases.append(arg.split("=", 1)[1])
        elif arg == "--alias":
            i += 1
            aliases.append(argv[i])
        else:
            positional.append(arg)
        i += 1
    if len(positional) != 2 or not aliases:
        sys.exit(__doc__)
    return positional[0], positional[1], aliases


run_id, name, aliases = parse(sys.argv[1:])
client = MlflowClient()
try:
    client.get_registered_model(name)
except MlflowException as e:
    if e.error_code != "RESOURCE_DOES_NOT_EXIST":
        raise
    client.create_registered_model(name, tags={"task": "corrupt_mnist"})

artifact_uri = client.get_run(run_id).info.artifact_uri
mv = client.create_model_version(name, source=artifact_uri + "/model", run_id=run_id)
for alias in aliases:
    client.set_registered_model_alias(name, alias, mv.version)
if "staging" in aliases:  # old dashboards still read stages
    client.transition_model_version_stage(name, mv.version, "Staging")
print(name, mv.version, aliases)
