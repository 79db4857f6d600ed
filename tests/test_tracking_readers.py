"""The MLflow store and the TensorBoard reader, driven by real MLflow and TensorBoard runs."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from grader.readers.mlflow_store import DATABASE, MlflowStore, empty_store
from grader.readers.tensorboard_events import read_event_folders
from grader.running import new_store, run_mlflow, run_tensorboard
from grader.sandbox import Limits, Sandbox

MLFLOW_SCRIPT = """
import mlflow
mlflow.set_experiment("corrupt_mnist")
with mlflow.start_run(tags={"job_type": "train"}):
    mlflow.log_params({"lr": 0.01, "epochs": 2})
    for step in range(4):
        mlflow.log_metrics({"train_loss": 1 / (step + 1)}, step=step)
    mlflow.log_dict({"bins": [1, 2]}, "histograms/grad.json")
"""

TENSORBOARD_SCRIPT = """
import torch
from torch.utils.tensorboard import SummaryWriter
writer = SummaryWriter()
for step in range(3):
    writer.add_scalar("train/loss", 1 / (step + 1), step)
writer.add_histogram("grad/conv1", torch.randn(100), 2)
writer.add_images("inputs", torch.rand(4, 1, 28, 28), 0)
writer.add_text("job_type", "train")
writer.add_hparams({"lr": 0.01, "batch_size": 32}, {"hparam/accuracy": 0.5})
writer.close()
"""


def _folder(tmp_path: Path, name: str, source: str) -> Path:
    folder = tmp_path / "student"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(source))
    return folder


def test_each_run_logs_into_its_own_fresh_store_read_back_with_mlflows_client(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path, "train.py", MLFLOW_SCRIPT)
    with Sandbox(folder, Limits(time_s=120, memory_mb=4096)) as box:
        first = run_mlflow(box, "train.py")
        second = run_mlflow(box, "train.py")
        assert first.result.ok, first.crash_report()
        assert first.store.folder != second.store.folder  # nothing shared between runs
        (run,) = first.store.runs("corrupt_mnist")
        assert run.data.params == {"lr": "0.01", "epochs": "2"}  # MLflow keeps strings
        assert run.data.tags["job_type"] == "train" and run.info.status == "FINISHED"
        history = first.store.metric_history(run.info.run_id, "train_loss")
        assert history == [(step, 1 / (step + 1)) for step in range(4)]
        assert first.store.artifacts(run) == ["histograms/grad.json"]
        saved = json.loads(first.store.artifact(run, "histograms/grad.json").read_text())
        assert saved == {"bins": [1, 2]}
        assert first.store.runs("no such experiment") == []


def test_the_empty_store_is_made_once_and_points_its_default_experiment_home(
    tmp_path: Path,
) -> None:
    template = empty_store()
    assert empty_store() == template and template.stat().st_size > 0
    store = MlflowStore.create(tmp_path / "store")
    assert (store.folder / DATABASE).read_bytes() != b""
    (default,) = [e for e in store.experiments() if e.experiment_id == "0"]
    assert default.artifact_location == (store.folder / "mlruns" / "0").as_uri()


def test_artifacts_recorded_outside_the_runs_folders_are_never_read(tmp_path: Path) -> None:
    """A run may record any artifact_location (say /etc): the grader reads nothing there."""
    store = MlflowStore.create(tmp_path / "store")
    experiment = store.client.create_experiment("sneaky", artifact_location="file:///etc")
    run = store.client.create_run(experiment)
    assert store.artifact_root(run) is None
    assert store.artifacts(run) == [] and store.artifact(run, "passwd") is None
    assert store.local_path("file:///etc/passwd") is None
    assert store.local_path((store.folder / "x").as_uri()) == store.folder / "x"


def test_tensorboard_events_are_read_whole_with_hparams_joined_to_their_run(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path, "train.py", TENSORBOARD_SCRIPT)
    with Sandbox(folder, Limits(time_s=120, memory_mb=4096)) as box:
        run = run_tensorboard(box, "train.py")
        assert run.result.ok, run.crash_report()
        (board,) = run.boards  # add_hparams' own subfolder is part of it
        assert board.scalars["train/loss"] == [(s, pytest.approx(1 / (s + 1))) for s in range(3)]
        assert board.hparams == {"lr": 0.01, "batch_size": 32.0}  # numbers come back as floats
        assert "hparam/accuracy" in board.scalars
        (image,) = board.images["inputs"]
        assert (image.width, image.height) == (112, 28) and image.png.startswith(b"\x89PNG")
        (histogram,) = board.histograms["grad/conv1"]
        assert histogram.step == 2 and histogram.count == 100
        assert board.texts["job_type/text_summary"] == ["train"]


def test_damaged_or_absent_event_files_are_reported_not_fatal(tmp_path: Path) -> None:
    assert read_event_folders([tmp_path / "nothing-here"]) == []
    logs = tmp_path / "runs" / "a"
    logs.mkdir(parents=True)
    (logs / "events.out.tfevents.1.host.1.0").write_bytes(b"\x00garbage" * 100)
    (board,) = read_event_folders([tmp_path])
    assert board.scalar_count == 0


def test_a_store_the_grader_filled_first_reads_what_the_run_added(tmp_path: Path) -> None:
    """The sandbox hands a run's files back as new files; the grader's client, which read the
    store before the run, must see the run's changes (MLflow pools connections per URI)."""
    folder = _folder(
        tmp_path,
        "register.py",
        """
        from mlflow.tracking import MlflowClient
        client = MlflowClient()
        client.create_registered_model("made_by_the_run")
        """,
    )
    with Sandbox(folder, Limits(time_s=120, memory_mb=4096)) as box:
        store = new_store(box)
        store.client.create_registered_model("seeded")
        run = run_mlflow(box, "register.py", store=store)
        assert run.result.ok, run.crash_report()
        names = sorted(m.name for m in store.client.search_registered_models())
        assert names == ["made_by_the_run", "seeded"]
