"""The room that runs student code: isolated, limited, and cleaned up after."""

from .runner import Limits, RunResult, Sandbox

__all__ = ["Limits", "RunResult", "Sandbox"]
