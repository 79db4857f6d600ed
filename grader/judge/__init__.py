"""The room that judges: runs the checks and decides pass or fail, with points and hints."""

from .failure import CheckFailed, fail
from .session import run_checks

__all__ = ["CheckFailed", "fail", "run_checks"]
