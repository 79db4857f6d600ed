"""The room that judges: runs the checks and decides pass or fail, with points and hints.

``grade`` and ``run_checks`` load pytest; they are imported on first use so that code which
only needs ``fail`` (the checks' helpers, an early student run) starts without it.
"""

from .failure import CheckFailed, fail

__all__ = ["CheckFailed", "fail", "grade", "run_checks"]


def __getattr__(name: str):
    if name == "grade":
        from .parallel import grade

        return grade
    if name == "run_checks":
        from .session import run_checks

        return run_checks
    raise AttributeError(name)
