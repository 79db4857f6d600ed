"""Register the best finished run of an experiment (order_by does the ranking)."""
import sys

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

OPTIONS = ("experiment", "metric", "goal", "name", "alias")


def read_options(argv: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if not arg.startswith("--"):
            sys.exit(f"unexpected argument {arg!r}")
        key, eq, value = arg[2:].partition("=")
        if not eq:
            i += 1
            value = argv[i]
        values[key] = value
        i += 1
    missing = [o for o in OPTIONS if o not in values]
    if missing:
        sys.exit("missing options: " + ", ".join("--" + m for m in missing))
    if values["goal"] not in ("maximize", "minimize"):
        sys.exit("--goal must be maximize or minimize")
    return values


def main() -> None:
    opts = read_options(sys.argv[1:])
    client = MlflowClient()
    experiment = client.get_experiment_by_name(opts["experiment"])
    if experiment is None:
        sys.exit(f"no experiment {opts['experiment']!r}")
    direction = "DESC" if opts["goal"] == "maximize" else "ASC"
    runs = client.search_runs(
        experiment_ids=[experiment.experiment_id],
        filter_string="attributes.status = 'FINISHED'",
        order_by=[f"metrics.`{opts['metric']}` {direction}", "attributes.start_time DESC"],
        max_results=50,
    )
    # runs without the metric come last, whatever the direction
    ranked = [r for r in runs if opts["metric"] in r.data.metrics]
    if not ranked:
        sys.exit(f"no finished run logged {opts['metric']!r}")
    best = ranked[0]

    try:
        client.get_registered_model(opts["name"])
    except MlflowException:
        client.create_registered_model(opts["name"])
    version = client.create_model_version(
        name=opts["name"],
        source=f"runs:/{best.info.run_id}/model",
        run_id=best.info.run_id,
        description=f"best {opts['metric']} of {opts['experiment']}",
    )
    client.set_registered_model_alias(opts["name"], opts["alias"], version.version)
    print(f"{opts['name']} v{version.version} <- {best.info.run_name} ({opts['alias']})")


if __name__ == "__main__":
    main()
