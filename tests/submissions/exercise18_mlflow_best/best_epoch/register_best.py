"""Pick the run with the best epoch and register it."""
import argparse

import mlflow
from mlflow import MlflowClient

p = argparse.ArgumentParser()
p.add_argument("--experiment")
p.add_argument("--metric")
p.add_argument("--goal", choices=("maximize", "minimize"))
p.add_argument("--name")
p.add_argument("--alias")
args = p.parse_args()

client = MlflowClient()
exp_id = client.get_experiment_by_name(args.experiment).experiment_id
pick = max if args.goal == "maximize" else min

best_run, best_value = None, None
for run in client.search_runs([exp_id], "attributes.status = 'FINISHED'"):
    values = [m.value for m in client.get_metric_history(run.info.run_id, args.metric)]
    if not values:
        continue
    value = pick(values)  # the best epoch of this run
    if best_value is None or pick(value, best_value) == value and value != best_value:
        best_run, best_value = run, value

mv = mlflow.register_model(f"runs:/{best_run.info.run_id}/model", args.name)
client.set_registered_model_alias(args.name, args.alias, mv.version)
print(f"{best_run.info.run_name}: best {args.metric} {best_value} -> version {mv.version}")
