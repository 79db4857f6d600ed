"""The room that judges: runs the checks and decides pass or fail, with points and hints."""

from .failure import CheckFailed, fail
from .parallel import grade
from .session import run_checks

__all__ = ["CheckFailed", "fail", "grade", "run_checks"]
