from argparse import ArgumentParser

import mlflow

ap = ArgumentParser()
ap.add_argument("--experiment", required=True)
ap.add_argument("--metric", required=True)
ap.add_argument("--goal", required=True, choices=["maximize", "minimize"])
ap.add_argument("--name", required=True)
ap.add_argument("--alias", required=True)
args = ap.parse_args()

runs = mlflow.search_runs(
    experiment_names=[args.experiment],
    filter_string="status = 'FINISHED'",
    order_by=["start_time ASC"],
    output_format="list",
)
best = None
for run in runs:
    value = run.data.metrics.get(args.metric)
    if value is None:
        continue
    if best is None:
        best = run
        continue
    current = best.data.metrics[args.metric]
    if (args.goal == "maximize" and value >= current) or (
        args.goal == "minimize" and value <= current
    ):
        best = run

if best is None:
    raise SystemExit(f"no finished run with {args.metric}")
mv = mlflow.register_model(model_uri=f"runs:/{best.info.run_id}/model", name=args.name)
mlflow.MlflowClient().set_registered_model_alias(args.name, args.alias, mv.version)
print(f"{args.alias} -> {args.name} v{mv.version} (run {best.info.run_name})")
