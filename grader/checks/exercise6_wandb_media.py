"""Exercise 6: exercise 5 plus media: input images, a gradient histogram, a ROC figure.

Media are recognised by the type wandb recorded for a history value, whether one image or a
list of images was logged. The ROC figure must be an image (a rendered matplotlib figure, so
bigger than a 28x28 digit) under a key containing "roc", logged after the last training step.
"""

from __future__ import annotations

from grader.checks.wandb_checks import (
    png_size,
    require_exercise5,
    require_finished_process,
    require_wandb_run,
)
from grader.judge.failure import fail
from grader.readers.wandb_run import WandbRun, media_type
from grader.running import TrainingRun

IMAGE_TYPES = ("image-file", "images/separated")
MIN_FIGURE_SIDE = 100  # pixels: a figure, not an input digit


SHOWN_IMAGE_BYTES = 300_000  # a bigger picture is not worth a results file's room


def _media(run: WandbRun, types: tuple[str, ...] | None = None) -> list[tuple[int, str, dict]]:
    """(step, key, value) of every media history value, of one of ``types`` if given."""
    return [
        (row.get("_step", -1), key, value)
        for row in run.history
        for key, value in row.items()
        if media_type(value) is not None and (types is None or media_type(value) in types)
    ]


def _logged_types(run: WandbRun) -> str:
    kinds = sorted({f"{key} ({media_type(value)})" for _, key, value in _media(run)})
    return ", ".join(kinds) or "no media at all (only numbers)"


def check_runs_cleanly(training: TrainingRun) -> None:
    require_finished_process(training)


def check_scalars_like_exercise5(training: TrainingRun) -> None:
    require_exercise5(training)


def check_input_images(training: TrainingRun) -> None:
    run = require_wandb_run(training)
    last_train_step = max((step for step, _ in run.series("train_loss")), default=-1)
    # Input images are those logged while training ran (the ROC image comes after it).
    images = [m for m in _media(run, IMAGE_TYPES) if m[0] <= last_train_step]
    on_disk = [
        m
        for m in images
        if run.media_files(m[2]) and all(png_size(path) for path in run.media_files(m[2]))
    ]
    if not on_disk:
        fail(
            "input images logged during training (at or before the last train_loss step) "
            "with wandb.Image (one image or a list)",
            "media logged: "
            + _logged_types(run)
            + ("" if not images else "; their image files are missing"),
        )


def check_gradient_histogram(training: TrainingRun) -> None:
    run = require_wandb_run(training)
    if not _media(run, ("histogram",)):
        fail(
            "a wandb.Histogram of the gradients logged during training",
            "media logged: " + _logged_types(run),
        )


def check_roc_figure(training: TrainingRun, record_property) -> None:
    run = require_wandb_run(training)
    roc = [m for m in _media(run) if "roc" in m[1].lower()]
    if not roc:
        fail(
            'a matplotlib figure of the ROC curves logged as an image under a key containing "roc"',
            "media logged: " + _logged_types(run),
        )
    images = [m for m in roc if media_type(m[2]) in IMAGE_TYPES]
    if not images:
        _, key, value = roc[0]
        fail(
            f"the ROC figure as an image (wandb.Image(fig)) under {key!r}",
            f"{key!r} holds a {media_type(value)!r}",
            "wandb.plot.roc_curve makes an interactive chart, not an image",
        )
    files = [path for _, _, value in images for path in run.media_files(value)]
    for path in files[-1:]:  # the figure itself, for reports that show pictures (PrairieLearn)
        if path.stat().st_size <= SHOWN_IMAGE_BYTES:
            record_property("image", path.read_bytes())
    sizes = [png_size(path) for path in files]
    if not any(size and min(size) >= MIN_FIGURE_SIDE for size in sizes):
        fail(
            f"the ROC image to be a rendered figure (at least {MIN_FIGURE_SIDE} px wide and high)",
            f"image sizes: {', '.join(f'{w}x{h}' for w, h in filter(None, sizes)) or 'no file'}",
        )
    last_train_step = max((step for step, _ in run.series("train_loss")), default=-1)
    if max(step for step, _, _ in images) < last_train_step:
        fail(
            "the ROC figure logged after training (after the last train_loss)",
            f"ROC at step {max(step for step, _, _ in images)}, last train_loss at step "
            f"{last_train_step}",
        )
