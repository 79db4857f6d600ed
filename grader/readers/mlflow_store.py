"""An MLflow tracking store (sqlite plus artifact folders) made for one grading, read back with
MLflow's own client.

The grader makes an empty store once per MLflow version (a new database costs 2.5-7.5 s of
table creation) and copies it for every run. A student run points ``MLFLOW_TRACKING_URI`` at
its copy; afterwards ``MlflowStore`` reads what MLflow recorded there. Artifacts are only ever
read from below the folders the run was given: a run may record any ``artifact_location``
(``/etc``, say), and the grader must not read the machine's files into a report.

MLflow is imported lazily: only the MLflow exercises' gradings pay for it (~2 s).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

DATABASE = "mlflow.db"
_TEMPLATE_LOCK = threading.Lock()
# What keeps MLflow quiet and offline, in the grader's helper and in every student run.
QUIET = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}

_MAKE_EMPTY = """
import sys
from mlflow.tracking import MlflowClient
client = MlflowClient(tracking_uri="sqlite:///" + sys.argv[1])
client.search_experiments()  # creates the tracking tables
client.search_registered_models()  # and the registry's
"""


class StoreUnavailable(RuntimeError):
    """MLflow is not installed, or the empty store could not be made (the grader's problem)."""


def mlflow_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mlflow")
    except PackageNotFoundError:
        raise StoreUnavailable(
            "MLflow is not installed in the grading environment: the course file's "
            "[environment] packages should list it (see configs/course-mlflow.toml)"
        ) from None


def empty_store(cache: Path | None = None) -> Path:
    """An empty, fully migrated MLflow database for this MLflow version (made once, cached)."""
    cache = cache or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    target = cache / "logging-grader" / f"mlflow-{mlflow_version()}-empty.db"
    with _TEMPLATE_LOCK:
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as folder:
            made = Path(folder) / DATABASE
            env = {**os.environ, **QUIET}
            done = subprocess.run(
                [sys.executable, "-c", _MAKE_EMPTY, str(made)],
                cwd=folder,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if done.returncode != 0 or not made.is_file():
                raise StoreUnavailable(
                    f"could not make an empty MLflow store: {done.stderr[-800:]}"
                )
            os.replace(made, target)  # atomic: another grading may read it at once
    return target


class MlflowStore:
    """One run's tracking store: ``folder/mlflow.db``, the default experiment's artifacts in
    ``folder/mlruns/0``; ``readable`` are the folders artifacts may be read from."""

    def __init__(self, folder: Path, readable: tuple[Path, ...] = ()) -> None:
        self.folder = folder
        self.readable = (folder, *readable)
        self._client = None

    @classmethod
    def create(cls, folder: Path, cache: Path | None = None) -> MlflowStore:
        """A fresh store in ``folder`` (copied from the cached empty one)."""
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(empty_store(cache), folder / DATABASE)
        artifacts = folder / "mlruns" / "0"
        artifacts.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(folder / DATABASE) as db:
            # The template recorded where it was made; the default experiment's artifacts
            # belong to this store.
            db.execute(
                "UPDATE experiments SET artifact_location = ? WHERE experiment_id = 0",
                (artifacts.as_uri(),),
            )
        return cls(folder)

    @property
    def uri(self) -> str:
        return f"sqlite:///{self.folder / DATABASE}"

    def environment(self) -> dict[str, str]:
        """What a student run needs to log into this store, and to stay quiet."""
        return {"MLFLOW_TRACKING_URI": self.uri, **QUIET}

    def allow(self, *folders: Path) -> None:
        """Also read artifacts below these folders (a run's working directory)."""
        self.readable = (*self.readable, *folders)

    @property
    def client(self) -> Any:
        """MLflow's ``MlflowClient`` on this store (tracking and registry)."""
        if self._client is None:
            os.environ.update(QUIET)  # the grader's own process sends no telemetry either
            from mlflow.tracking import MlflowClient

            self._client = MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)
        return self._client

    def reopen(self) -> None:
        """Read the database afresh: a sandboxed run's files come back as new files, while
        MLflow keeps one engine (a pool of open connections) per database URI for the whole
        process, which would go on reading the database as it was before the run."""
        if self._client is None:
            return
        from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as Registry
        from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore as Tracking

        for store_class in (Tracking, Registry):
            with store_class._engine_map_lock:
                engine = store_class._engine_map.pop(self.uri, None)
            if engine is not None:
                engine.dispose()
        self._client = None

    # -- reading ------------------------------------------------------------------------------

    def experiments(self) -> list[Any]:
        return list(self.client.search_experiments())

    def runs(self, experiment_name: str | None = None) -> list[Any]:
        """Every run (of one experiment if named), newest first."""
        experiments = self.experiments()
        if experiment_name is not None:
            experiments = [e for e in experiments if e.name == experiment_name]
        if not experiments:
            return []
        return list(
            self.client.search_runs(
                [e.experiment_id for e in experiments],
                order_by=["attributes.start_time DESC"],
                max_results=1000,
            )
        )

    def metric_history(self, run_id: str, key: str) -> list[tuple[int, float]]:
        """(step, value) of every value logged for ``key``, in step order."""
        history = self.client.get_metric_history(run_id, key)
        return sorted((m.step, m.value) for m in history)

    def artifact_root(self, run: Any) -> Path | None:
        """The run's artifact folder on this machine, if it is one the grader may read."""
        return self._local(run.info.artifact_uri)

    def artifacts(self, run: Any) -> list[str]:
        """Every artifact file of ``run`` (paths relative to its artifact root), sorted."""
        root = self.artifact_root(run)
        if root is None or not root.is_dir():
            return []
        return sorted(
            str(path.relative_to(root))
            for path in root.rglob("*")
            if path.is_file() and not path.is_symlink() and self._inside(path)
        )

    def artifact(self, run: Any, relative: str) -> Path | None:
        """One artifact file, or None when it is missing or lies outside what may be read."""
        root = self.artifact_root(run)
        if root is None:
            return None
        path = root / relative
        return path if path.is_file() and self._inside(path) else None

    def local_path(self, uri: str) -> Path | None:
        """A ``file:`` URI (or plain path) MLflow recorded, if the grader may read below it."""
        return self._local(uri)

    def _local(self, uri: str | None) -> Path | None:
        if not uri:
            return None
        parsed = urlparse(uri)
        if parsed.scheme not in ("", "file"):
            return None
        path = Path(unquote(parsed.path if parsed.scheme else uri))
        return path if self._inside(path) else None

    def _inside(self, path: Path) -> bool:
        try:
            resolved = path.resolve()
        except OSError:
            return False
        return any(resolved.is_relative_to(folder.resolve()) for folder in self.readable)
