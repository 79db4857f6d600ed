"""Runs of student code that log to MLflow or TensorBoard, with what they recorded read back.

An MLflow run gets a tracking store of its own (``MLFLOW_TRACKING_URI``, a pre-made empty
sqlite database, telemetry off), or one shared by several runs (the registry exercises, where
the grader records models first). A TensorBoard run writes event files below its working
directory; they are read with TensorBoard's own ``EventAccumulator``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.readers.mlflow_store import QUIET, MlflowStore
from grader.readers.tensorboard_events import EVENTS_GLOB, TensorBoardRun, read_event_folders
from grader.sandbox import Sandbox

from .script import StudentRun, run_script


@dataclass
class MlflowRun(StudentRun):
    """A run of student code and the MLflow store it logged into."""

    store: MlflowStore | None = None
    args: tuple[str, ...] = ()

    @property
    def command(self) -> str:
        return " ".join(("python", self.script, *self.args))


def new_store(sandbox: Sandbox, name: str = "mlflow-store") -> MlflowStore:
    """A fresh tracking store below the sandbox (several runs may share it)."""
    return MlflowStore.create(sandbox.scratch(name))


def run_mlflow(
    sandbox: Sandbox,
    script: str,
    args: list[str] | tuple[str, ...] = (),
    *,
    store: MlflowStore | None = None,
    **options,
) -> MlflowRun:
    """Run ``python SCRIPT ARGS`` logging into ``store`` (a fresh one unless given)."""
    store = store or new_store(sandbox)
    env = {**options.pop("env", {}), **store.environment()}
    writable = [*options.pop("writable", ()), store.folder]
    student = run_script(sandbox, script, *args, env=env, writable=writable, **options)
    store.reopen()  # what the grader read before the run (its seeding) is not what is there now
    # Experiments a script creates keep their artifacts below its working directory.
    store.allow(student.result.workdir, student.result.cwd)
    return MlflowRun(student.result, student.trace, script, store, tuple(args))


@dataclass
class TensorBoardScriptRun(StudentRun):
    """A run of student code and every TensorBoard event folder it wrote."""

    boards: list[TensorBoardRun] = field(default_factory=list)
    args: tuple[str, ...] = ()

    @property
    def command(self) -> str:
        return " ".join(("python", self.script, *self.args))

    @property
    def board(self) -> TensorBoardRun | None:
        """The run that logged most scalars (a script may write a folder per run)."""
        return max(self.boards, key=lambda b: b.scalar_count, default=None)


def run_tensorboard(
    sandbox: Sandbox, script: str, args: list[str] | tuple[str, ...] = (), **options
) -> TensorBoardScriptRun:
    """Run ``python SCRIPT ARGS`` and read every event folder below its working directory.

    Event files the student's own runs left in the folder are removed from the run's copy
    first: they are not this run's, and the reader would read them as if they were."""
    env = {**options.pop("env", {}), **QUIET}
    then = options.pop("prepare", None)

    def prepare(workdir: Path) -> None:
        for path in list(workdir.rglob(EVENTS_GLOB)):
            if path.is_file() and not path.is_symlink():
                path.unlink()
        if then is not None:
            then(workdir)

    student = run_script(sandbox, script, *args, env=env, prepare=prepare, **options)
    roots: list[Path] = [student.result.workdir]
    if student.result.cwd != student.result.workdir:
        roots.append(student.result.cwd)
    boards = read_event_folders(roots)
    return TensorBoardScriptRun(student.result, student.trace, script, boards, tuple(args))
