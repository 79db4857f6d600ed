"""TensorBoard event files, read back with TensorBoard's own ``EventAccumulator``.

Everything is kept (``size_guidance`` of 0s: the defaults keep a sample). A script that calls
``add_hparams`` without ``run_name`` writes them into a timestamped subfolder: those are
joined to the run of the folder above.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EVENTS_GLOB = "events.out.tfevents.*"
MAX_EVENT_FILES = 200  # a script writing thousands of folders is not read to the end
_KEEP_ALL = {"scalars": 0, "images": 0, "histograms": 0, "tensors": 0, "compressedHistograms": 0}


@dataclass(frozen=True)
class Image:
    step: int
    width: int
    height: int
    png: bytes


@dataclass(frozen=True)
class Histogram:
    step: int
    count: float
    minimum: float
    maximum: float
    bucket_limits: tuple[float, ...]
    buckets: tuple[float, ...]


@dataclass
class TensorBoardRun:
    folder: Path
    scalars: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    images: dict[str, list[Image]] = field(default_factory=dict)
    histograms: dict[str, list[Histogram]] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)
    hparams: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def scalar_count(self) -> int:
        return sum(len(values) for values in self.scalars.values())

    def describe(self) -> str:
        """What the run holds, in a line: for feedback."""
        parts = [
            f"scalars {sorted(self.scalars) or 'none'}",
            f"images {sorted(self.images) or 'none'}",
            f"histograms {sorted(self.histograms) or 'none'}",
        ]
        if self.hparams:
            parts.append(f"hparams {sorted(self.hparams)}")
        return "; ".join(parts)


def event_folders(roots: list[Path]) -> list[Path]:
    """Folders holding event files below ``roots`` (links are not followed)."""
    found: list[Path] = []
    for root in roots:
        for path in sorted(root.rglob(EVENTS_GLOB)) if root.is_dir() else []:
            if len(found) >= MAX_EVENT_FILES:
                break
            if path.is_file() and not path.is_symlink() and path.parent not in found:
                found.append(path.parent)
    return found


def read_event_folders(roots: list[Path]) -> list[TensorBoardRun]:
    runs = [read_events(folder) for folder in event_folders(roots)]
    by_folder = {run.folder: run for run in runs}
    kept = []
    for run in runs:
        parent = by_folder.get(run.folder.parent)
        if parent is not None and run.hparams:
            # add_hparams' own subfolder: its values and metrics belong to the run above.
            parent.hparams.update(run.hparams)
            for tag, values in run.scalars.items():
                parent.scalars.setdefault(tag, values)
            continue
        kept.append(run)
    return kept


def read_events(folder: Path) -> TensorBoardRun:
    """Everything one folder's event files hold."""
    # "TensorFlow installation not found" is TensorBoard saying it runs without TensorFlow.
    logging.getLogger("tensorboard").setLevel(logging.ERROR)
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run = TensorBoardRun(folder)
    accumulator = EventAccumulator(str(folder), size_guidance=_KEEP_ALL)
    try:
        accumulator.Reload()
    except Exception as error:  # a damaged file: say so, keep what was read
        run.errors.append(f"{folder.name}: {error}")
    tags = accumulator.Tags()
    for tag in tags.get("scalars", []):
        run.scalars[tag] = [(e.step, float(e.value)) for e in accumulator.Scalars(tag)]
    for tag in tags.get("images", []):
        run.images[tag] = [
            Image(e.step, e.width, e.height, e.encoded_image_string)
            for e in accumulator.Images(tag)
        ]
    for tag in tags.get("histograms", []):
        run.histograms[tag] = [_histogram(e) for e in accumulator.Histograms(tag)]
    for tag in tags.get("tensors", []):
        texts = [_text(e.tensor_proto) for e in accumulator.Tensors(tag)]
        if any(text is not None for text in texts):
            run.texts[tag] = [text for text in texts if text is not None]
    run.hparams = _hparams(accumulator)
    return run


def _histogram(event: Any) -> Histogram:
    value = event.histogram_value
    return Histogram(
        step=event.step,
        count=value.num,
        minimum=value.min,
        maximum=value.max,
        bucket_limits=tuple(value.bucket_limit),
        buckets=tuple(value.bucket),
    )


def _text(tensor: Any) -> str | None:
    if not tensor.string_val:
        return None
    return " ".join(v.decode("utf-8", "replace") for v in tensor.string_val)


def _hparams(accumulator: Any) -> dict[str, Any]:
    """``add_hparams``' values (numbers come back as floats), {} when none were logged."""
    from tensorboard.plugins.hparams import plugin_data_pb2

    try:
        content = accumulator.PluginTagToContent("hparams")
    except KeyError:
        return {}
    found: dict[str, Any] = {}
    for raw in content.values():
        data = plugin_data_pb2.HParamsPluginData.FromString(raw)
        if not data.HasField("session_start_info"):
            continue
        for name, value in data.session_start_info.hparams.items():
            kind = value.WhichOneof("kind")
            found[name] = getattr(value, kind) if kind else None
    return found
