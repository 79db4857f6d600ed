"""Exercise 19: exercises 5 and 6 with TensorBoard's ``SummaryWriter`` instead of W&B.

train.py runs once, with the command line of exercise 5; every event folder it wrote below its
working directory is read back with TensorBoard's own ``EventAccumulator`` (keeping everything).
Event files already in the submitted folder (the student's own runs) are removed from the copy
first, so only what this run wrote counts.

Names are matched loosely, as TensorBoard users name tags: the loss is a scalar whose tag holds
"loss", the accuracy one whose tag holds "acc", the ROC an image whose tag holds "roc", the
gradients a histogram whose tag holds "grad". ``add_scalars`` writes one subfolder per value
(``<main_tag>_<key>``): its series are named after that folder, as TensorBoard shows them.

Gradients are judged by what they look like as well as by their name: a histogram that changes
between training steps, and whose first values, at the first training step, are not those of a
freshly initialised MyAwesomeModel. PyTorch draws every weight of a layer uniformly from
+-1/sqrt(fan_in), so the model's weights at that step reach exactly +-1/3 (the first
convolution) with a known spread, while its gradients are far narrower; only groups of values
whose bound is large against one optimizer step (lr) are judged this way.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.checks.wandb_checks import TRAIN_SIZE, expected_steps, refused_options
from grader.judge.failure import CheckFailed, fail
from grader.readers.tensorboard_events import (
    EVENTS_GLOB,
    Histogram,
    Image,
    TensorBoardRun,
    event_folders,
)
from grader.readers.values import is_number
from grader.running import TensorBoardScriptRun, run_tensorboard
from grader.running.training import parse_cli

HPARAMS = ("lr", "batch_size", "epochs")
DIGIT_SIDE = 28  # pixels of one input image
MIN_FIGURE_SIDE = 100  # pixels: a rendered figure, not an input digit
SHOWN_IMAGE_BYTES = 300_000  # a bigger picture is not worth a results file's room
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# MyAwesomeModel's parameters: (name, values, fan_in of their layer). Each is drawn uniformly
# from +-1/sqrt(fan_in) (PyTorch's default for Conv2d and Linear, weights and biases alike).
PARAMETERS = (
    ("features.0.weight", 16 * 1 * 3 * 3, 1 * 3 * 3),
    ("features.0.bias", 16, 1 * 3 * 3),
    ("features.3.weight", 32 * 16 * 3 * 3, 16 * 3 * 3),
    ("features.3.bias", 32, 16 * 3 * 3),
    ("classifier.2.weight", 10 * 800, 800),
    ("classifier.2.bias", 10, 800),
)
MIN_JUDGED_VALUES = 100  # fewer values say too little about their distribution
DRIFT_STEPS = 1.5  # one optimizer step moves an Adam weight by at most lr; room for more


# -- what the run logged ---------------------------------------------------------------------
@dataclass
class Series:
    label: str  # the tag, or "<subfolder>/<tag>" for a nested folder (add_scalars)
    points: list[tuple[int, float]]

    @property
    def steps(self) -> list[int]:
        return [step for step, _ in self.points]


@dataclass
class Logged:
    """Everything the run wrote below its working directory, under TensorBoard's names."""

    run: TensorBoardScriptRun
    args: dict
    scalars: list[Series] = field(default_factory=list)
    images: dict[str, list[Image]] = field(default_factory=dict)
    histograms: dict[str, list[Histogram]] = field(default_factory=dict)
    hparams: dict = field(default_factory=dict)
    metrics: list[str] = field(default_factory=list)  # add_hparams' metric_dict keys
    elsewhere: list[str] = field(default_factory=list)  # event files under ~ (not read)

    def series(self, word: str) -> list[Series]:
        """Scalar series whose name holds ``word``; add_hparams' one-value metrics left out."""
        return [
            s
            for s in self.scalars
            if word in s.label.lower() and not (s.label in self.metrics and len(s.points) <= 1)
        ]

    def training_series(self, word: str) -> Series | None:
        """The series of ``word`` that looks most like one value per training step."""
        wanted = expected_steps(self.args)

        def rank(s: Series) -> tuple:
            distinct = len(set(s.steps))
            return (distinct in wanted, "train" in s.label.lower(), distinct, len(s.points))

        return max(self.series(word), key=rank, default=None)

    @property
    def training_steps(self) -> tuple[int, int] | None:
        """First and last step of the training loss (else accuracy), None if unknown."""
        series = self.training_series("loss") or self.training_series("acc")
        if series is None or len(set(series.steps)) < 2:
            return None  # no steps to tell training from after it (all at step 0, say)
        return min(series.steps), max(series.steps)

    def describe(self) -> str:
        return (
            f"scalars {sorted({s.label for s in self.scalars}) or 'none'}; "
            f"images {sorted(self.images) or 'none'}; "
            f"histograms {sorted(self.histograms) or 'none'}"
        )


def _label(board: TensorBoardRun, tag: str, folders: set[Path]) -> str:
    nested = any(parent in folders for parent in board.folder.parents)
    return f"{board.folder.name}/{tag}" if nested else tag


def _hparam_metrics(folders: list[Path]) -> list[str]:
    """The metric names add_hparams recorded (its experiment summary), in any folder."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.plugins.hparams import plugin_data_pb2

    names: list[str] = []
    for folder in folders:
        accumulator = EventAccumulator(str(folder), size_guidance={"images": 1, "tensors": 1})
        try:
            accumulator.Reload()
            content = accumulator.PluginTagToContent("hparams")
        except Exception:  # no hparams here, or a damaged file (the reader says so)
            continue
        for raw in content.values():
            data = plugin_data_pb2.HParamsPluginData.FromString(raw)
            if data.HasField("experiment"):
                names += [m.name.tag for m in data.experiment.metric_infos]
    return list(dict.fromkeys(names))


def read_logged(run: TensorBoardScriptRun, args: dict) -> Logged:
    result = run.result
    logged = Logged(run, args)
    folders = {board.folder for board in run.boards}
    for board in run.boards:
        for tag, points in board.scalars.items():
            logged.scalars.append(Series(_label(board, tag, folders), points))
        for tag, images in board.images.items():
            logged.images.setdefault(_label(board, tag, folders), []).extend(images)
        for tag, histograms in board.histograms.items():
            logged.histograms.setdefault(_label(board, tag, folders), []).extend(histograms)
        logged.hparams.update(board.hparams)
    roots = [result.workdir] + ([result.cwd] if result.cwd != result.workdir else [])
    if logged.hparams:
        logged.metrics = _hparam_metrics(event_folders(roots))
    if not run.boards and result.home.is_dir():
        logged.elsewhere = [
            "~/" + str(path.parent.relative_to(result.home))
            for path in sorted(result.home.rglob(EVENTS_GLOB))[:3]
        ]
    return logged


@pytest.fixture(scope="module")
def logged(sandbox, exercise) -> Logged:
    """train.py run once with the exercise's command line, and what it logged."""
    run = run_tensorboard(sandbox, exercise.script, exercise.args)
    return read_logged(run, parse_cli(exercise.args))


# -- shared requirements -----------------------------------------------------------------------
def _crash_detail(stderr: str) -> str:
    advice = [refused_options(stderr)] if refused_options(stderr) else []
    if "size of input tensor and input format are different" in stderr:
        advice.append(
            "add_image takes one image [C, H, W]; a batch [N, C, H, W] goes in with "
            "add_images (or pass dataformats=...)"
        )
    if "Got <class 'NoneType'>" in stderr:
        advice.append(
            "a parameter's .grad is None until the first loss.backward() (and again after "
            "optimizer.zero_grad()): log the gradients after backward, before zero_grad"
        )
    return "; ".join(advice)


def require_events(logged: Logged) -> None:
    if logged.run.boards:
        return
    seen = "no event files (events.out.tfevents.*) below the folder train.py ran in"
    if logged.elsewhere:
        seen += f"; some were written below the home folder instead: {', '.join(logged.elsewhere)}"
    if not logged.run.result.ok:
        seen += "\n" + logged.run.crash_report()
    fail(
        "TensorBoard event files below train.py's folder, as SummaryWriter() writes them "
        "(./runs/<date>_<host>/)",
        seen,
        "the grader looks for events.out.tfevents.* files in the folder train.py runs in and "
        "every folder below it; a log_dir outside it (/tmp/..., an absolute path, ~/...) is "
        "gone once the run ends. Keep the default SummaryWriter() or a relative log_dir such "
        'as "runs/exercise19"',
    )


def _series_seen(logged: Logged) -> str:
    return ", ".join(
        f"{s.label} ({len(s.points)} values, {len(set(s.steps))} steps)" for s in logged.scalars
    )


def _batch_size_for(steps: int, epochs: int) -> list[int]:
    return [size for size in range(1, 513) if math.ceil(TRAIN_SIZE / size) * epochs == steps]


def require_scalars_per_step(logged: Logged) -> tuple[Series, Series]:
    args = logged.args
    wanted = expected_steps(args)
    steps = " or ".join(str(n) for n in sorted(wanted))
    expected = (
        f'a train loss and a train accuracy scalar (tags holding "loss" and "acc") at every '
        f"optimizer step: {steps} steps for {TRAIN_SIZE} images, batch_size={args['batch_size']},"
        f" epochs={args['epochs']}"
    )
    found = {word: logged.training_series(word) for word in ("loss", "acc")}
    missing = [word for word, series in found.items() if series is None]
    if missing:
        fail(
            expected,
            f"no scalar tag holds {' or '.join(repr(w) for w in missing)}; scalars logged: "
            f"{_series_seen(logged) or 'none'}",
        )
    loss, accuracy = found["loss"], found["acc"]
    for series in (loss, accuracy):
        distinct = len(set(series.steps))
        if distinct in wanted:
            continue
        detail = ""
        if len(series.points) > 1 and distinct == 1:
            detail = (
                f"every value was recorded at step {series.steps[0]}: without global_step "
                "(add_scalar's third argument) TensorBoard puts them all at step 0 and draws "
                "no curve; pass the step counter"
            )
        elif distinct and distinct == args["epochs"]:
            detail = (
                "that is one value per epoch: log inside the batch loop, after optimizer.step()"
            )
        elif distinct and (sizes := _batch_size_for(distinct, args["epochs"])):
            detail = (
                f"{distinct} steps is what batches of {sizes[0]} give: is the DataLoader built "
                "with the batch_size from the command line?"
            )
        fail(
            expected,
            f"{series.label}: {len(series.points)} values at {distinct} distinct steps",
            detail,
        )
    return loss, accuracy


def _noting_a_crash(check):
    """A failure after train.py crashed says so: what it would have logged later is missing."""

    @functools.wraps(check)
    def checked(logged: Logged, *args, **kwargs):
        try:
            return check(logged, *args, **kwargs)
        except CheckFailed as failed:
            status = logged.run.result.status()
            if logged.run.result.ok or status in failed.seen:
                raise
            note = f"train.py stopped early ({status}), so what it logs later is missing"
            detail = "; ".join(filter(None, [failed.detail, note]))
            raise CheckFailed(failed.expected, failed.seen, detail) from None

    return checked


# -- checks --------------------------------------------------------------------------------------
def check_runs_cleanly(logged: Logged) -> None:
    run = logged.run
    if not run.result.ok:
        fail(
            f"`{run.command}` to exit with code 0",
            run.crash_report(),
            _crash_detail(run.result.stderr),
        )


def check_writes_events(logged: Logged) -> None:
    require_events(logged)


@_noting_a_crash
def check_hparams_from_cli(logged: Logged) -> None:
    require_events(logged)
    args = logged.args
    given = ", ".join(f"{name}={args[name]}" for name in HPARAMS)
    expected = f"add_hparams with the command-line values {given} and at least one metric"
    if not logged.hparams:
        fail(expected, "no hyperparameters were logged (no add_hparams call reached the events)")
    wrong = {
        name: logged.hparams.get(name, "(missing)")
        for name in HPARAMS
        if not _same(logged.hparams.get(name), args[name])
    }
    if wrong:
        seen = ", ".join(f"{name}={value!r}" for name, value in wrong.items())
        detail = ""
        if all(str(value) == str(args[name]) for name, value in wrong.items()):
            detail = "the values are text: give argparse a type (type=float, type=int)"
        elif all(name in logged.hparams for name in wrong):
            detail = (
                "those are not the command line's values: read them with argparse (or typer) "
                "and pass those same values to add_hparams"
            )
        else:
            detail = (
                f"the hyperparameters logged are {sorted(logged.hparams)}: name them "
                f"{', '.join(HPARAMS)}"
            )
        fail(expected, f"hparams has {seen}", detail)
    if not logged.metrics:
        fail(
            expected,
            f"hparams {logged.hparams} with an empty metric_dict",
            'give add_hparams a metric as its second argument, e.g. {"hparam/test_accuracy": '
            "accuracy}: the HParams tab compares runs by it",
        )


def _same(seen, wanted) -> bool:
    # TensorBoard keeps every number of add_hparams as a float: 48 comes back as 48.0.
    return is_number(seen) and not isinstance(seen, bool) and math.isclose(seen, wanted)


@_noting_a_crash
def check_scalars_every_step(logged: Logged) -> None:
    require_events(logged)
    require_scalars_per_step(logged)


@_noting_a_crash
def check_accuracy_is_fraction(logged: Logged) -> None:
    require_events(logged)
    series = logged.training_series("acc")
    if series is None or not series.points:
        fail(
            'a train accuracy scalar (a tag holding "acc") between 0 and 1',
            f"no such scalar; scalars logged: {_series_seen(logged) or 'none'}",
        )
    values = [value for _, value in series.points]
    bad = [v for v in values if not 0 <= v <= 1]
    if bad:
        fail(
            "the train accuracy as a fraction between 0 and 1",
            f"{series.label}: {len(bad)} of {len(values)} values outside [0, 1], e.g. {bad[0]:g}",
            "a value above 1 looks like a percentage or a count of correct images: divide by "
            "the batch size"
            if bad[0] > 1
            else "",
        )


def _png_size(image: Image) -> tuple[int, int] | None:
    data = image.png
    if data[:8] != PNG_SIGNATURE or len(data) < 24:
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _images_seen(logged: Logged) -> str:
    parts = []
    for tag, images in sorted(logged.images.items()):
        sizes = sorted({f"{w}x{h}" for w, h in filter(None, map(_png_size, images))})
        steps = sorted({image.step for image in images})
        parts.append(f"{tag} ({len(images)} at steps {_steps_text(steps)}, {', '.join(sizes)})")
    return "; ".join(parts) or "no images at all"


def _steps_text(steps: list[int]) -> str:
    if len(steps) > 6:
        return f"{steps[0]}, {steps[1]}, ..., {steps[-1]}"
    return ", ".join(map(str, steps))


@_noting_a_crash
def check_input_images(logged: Logged) -> None:
    require_events(logged)
    training = logged.training_steps
    last = training[1] if training else None
    during = [
        (tag, image)
        for tag, images in logged.images.items()
        if "roc" not in tag.lower()
        for image in images
        if last is None or image.step <= last
    ]
    good = [
        (tag, image)
        for tag, image in during
        if (size := _png_size(image)) and min(size) >= DIGIT_SIDE
    ]
    if good:
        return
    detail = ""
    if not during and any("roc" not in tag.lower() for tag in logged.images):
        detail = f"images were logged only after the last training step ({last})"
    fail(
        "input images logged during training (at or before the last training step) with "
        "add_images (a batch [N, 1, 28, 28]) or add_image (one image [1, 28, 28])",
        f"images logged: {_images_seen(logged)}",
        detail,
    )


# -- gradients ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Group:
    """Some of MyAwesomeModel's parameters as one histogram of them would hold them."""

    name: str
    count: int
    bound: float  # the largest |value| at initialisation
    spread: float  # the standard deviation at initialisation

    @classmethod
    def of(cls, name: str, parameters) -> _Group:
        count = sum(n for _, n, _ in parameters)
        variance = sum(n / fan_in / 3 for _, n, fan_in in parameters) / count
        bound = max(1 / math.sqrt(fan_in) for _, _, fan_in in parameters)
        return cls(name, count, bound, math.sqrt(variance))


def _groups() -> list[_Group]:
    groups = [_Group.of(parameter[0], [parameter]) for parameter in PARAMETERS]
    groups.append(_Group.of("every parameter", PARAMETERS))
    weights = [p for p in PARAMETERS if p[0].endswith("weight")]
    groups.append(_Group.of("every weight", weights))
    return [g for g in groups if g.count >= MIN_JUDGED_VALUES]


def _spread(histogram: Histogram) -> float:
    """Standard deviation of the values, from the buckets' centres."""
    limits, counts = histogram.bucket_limits, histogram.buckets
    total = sum(counts)
    if total <= 0 or len(limits) != len(counts):
        return 0.0
    centres = []
    for index, right in enumerate(limits):
        left = limits[index - 1] if index else histogram.minimum
        low, high = max(left, histogram.minimum), min(right, histogram.maximum)
        centres.append((low + high) / 2)
    mean = sum(c * n for c, n in zip(centres, counts, strict=True)) / total
    variance = sum(n * (c - mean) ** 2 for c, n in zip(centres, counts, strict=True)) / total
    return math.sqrt(max(variance, 0.0))


def initial_weights_like(histogram: Histogram, lr: float) -> _Group | None:
    """The group of MyAwesomeModel's parameters this histogram holds, if it holds them as they
    are at the first training step (freshly initialised, at most one optimizer step later)."""
    for group in _groups():
        if histogram.count != group.count or group.bound < 4 * DRIFT_STEPS * lr:
            continue  # another group, or one whose values one step moves too far to tell
        drift = DRIFT_STEPS * lr
        top = group.bound * 1.01 + drift
        reaches = min(-histogram.minimum, histogram.maximum) >= 0.8 * group.bound
        within = max(-histogram.minimum, histogram.maximum) <= top
        spread = _spread(histogram)
        spread_ok = 0.85 * group.spread <= spread <= 1.15 * math.hypot(group.spread, drift)
        if reaches and within and spread_ok:
            return group
    return None


def _histograms_seen(logged: Logged) -> str:
    parts = []
    for tag, histograms in sorted(logged.histograms.items()):
        steps = sorted({h.step for h in histograms})
        parts.append(f"{tag} (steps {_steps_text(steps)})")
    return ", ".join(parts) or "none"


def _same_values(one: Histogram, other: Histogram) -> bool:
    return (one.minimum, one.maximum, one.buckets, one.bucket_limits) == (
        other.minimum,
        other.maximum,
        other.buckets,
        other.bucket_limits,
    )


@_noting_a_crash
def check_gradient_histogram(logged: Logged) -> None:
    require_events(logged)
    expected = (
        'a histogram of the gradients (a tag holding "grad", the parameters\' .grad after '
        "loss.backward()) logged at two or more training steps"
    )
    if not logged.histograms:
        fail(expected, "no histograms at all; " + logged.describe())
    training = logged.training_steps
    first, last = training if training else (0, None)
    lr = float(logged.args["lr"])
    named = {tag: hs for tag, hs in logged.histograms.items() if "grad" in tag.lower()}
    if not named:
        weights = [
            tag
            for tag, histograms in sorted(logged.histograms.items())
            if any(initial_weights_like(h, lr) for h in histograms if h.step == first)
        ]
        fail(
            expected,
            f"histograms logged: {_histograms_seen(logged)}; none is named after gradients",
            f"{', '.join(weights)} at step {first} hold(s) the weights of a freshly initialised "
            "MyAwesomeModel, not gradients: log each parameter's .grad under a tag that says "
            'so, e.g. f"grad/{name}"'
            if weights
            else 'name the tag after what it holds, e.g. "gradients" or f"grad/{name}"',
        )
    for tag, histograms in sorted(named.items()):
        at_start = [h for h in histograms if h.step == first]
        group = next(filter(None, (initial_weights_like(h, lr) for h in at_start)), None)
        if group is not None:
            h = at_start[0]
            fail(
                expected,
                f"{tag!r} at the first step (step {first}) holds {h.count:g} values from "
                f"{h.minimum:.3f} to {h.maximum:.3f}: {group.name} of a freshly initialised "
                f"MyAwesomeModel, which PyTorch draws within +-{group.bound:.3f}",
                "those are the weights themselves: log each parameter's .grad (p.grad), "
                "not the parameter p",
            )
    changing = []
    for tag, histograms in sorted(named.items()):
        during = [h for h in histograms if last is None or h.step <= last]
        if len({h.step for h in during}) < 2:
            continue
        if all(h.minimum == h.maximum == 0 for h in during):
            fail(
                expected,
                f"{tag!r} holds only zeros at every step",
                "the gradients were read after optimizer.zero_grad() (or before backward): "
                "log them between loss.backward() and the next zero_grad()",
            )
        if any(not _same_values(during[0], h) for h in during[1:]):
            changing.append(tag)
    if not changing:
        single = {h.step for hs in named.values() for h in hs}
        if len(single) == 1 and sum(len(hs) for hs in named.values()) > len(named):
            fail(
                expected,
                f"every gradient histogram was recorded at step {single.pop()}",
                "without global_step (add_histogram's third argument) TensorBoard puts them "
                "all at step 0: pass the step counter",
            )
        fail(
            expected,
            "histograms named after gradients: "
            + ", ".join(
                f"{tag} (steps {_steps_text(sorted({h.step for h in hs}))})"
                for tag, hs in sorted(named.items())
            )
            + (f"; training ran from step {first} to {last}" if last is not None else ""),
            "log the histogram every so often during training (e.g. every 10 steps), each time "
            "with the step as global_step; its values change as the model learns",
        )


# -- ROC ----------------------------------------------------------------------------------------
@_noting_a_crash
def check_roc_figure(logged: Logged, record_property) -> None:
    require_events(logged)
    expected = (
        "after training, a matplotlib figure of the per-class ROC curves logged with "
        'add_figure under a tag holding "roc"'
    )
    roc = {tag: images for tag, images in logged.images.items() if "roc" in tag.lower()}
    if not roc:
        others = [s.label for s in logged.scalars if "roc" in s.label.lower()]
        others += [tag for tag in logged.histograms if "roc" in tag.lower()]
        fail(
            expected,
            f"images logged: {_images_seen(logged)}"
            + (f"; under a roc tag, only numbers: {', '.join(others)}" if others else ""),
            "if train.py does log it, it never reached the event file: SummaryWriter writes "
            "from a background thread, and what is still queued when the process ends is "
            "lost; end with writer.close() (or writer.flush())",
        )
    images = [(tag, image) for tag, items in roc.items() for image in items]
    tag, newest = max(images, key=lambda item: item[1].step)
    if len(newest.png) <= SHOWN_IMAGE_BYTES:
        record_property("image", newest.png)  # for reports that show pictures (PrairieLearn)
    sizes = [(tag, _png_size(image)) for tag, image in images]
    if not any(size and min(size) >= MIN_FIGURE_SIDE for _, size in sizes):
        shown = ", ".join(f"{tag} {w}x{h}" for tag, (w, h) in sizes if (w, h)) or "not a PNG"
        fail(
            f"the ROC image to be a rendered figure (at least {MIN_FIGURE_SIDE} px wide and high)",
            f"image sizes: {shown}",
            "draw the curves on a matplotlib figure and log the figure: add_figure(tag, fig, step)",
        )
    training = logged.training_steps
    if training and newest.step < training[1]:
        detail = "draw the ROC once training is over, and give add_figure the last step"
        if newest.step == 0:
            detail += " as global_step: without it TensorBoard records step 0"
        fail(
            "the ROC figure logged after training (at or after the last training step)",
            f"{tag!r} at step {newest.step}, last training step {training[1]}",
            detail,
        )
