"""How a check says it failed: what was expected, what was seen, and (optionally) why."""

from __future__ import annotations


class CheckFailed(AssertionError):
    """Raised by a check (or a fixture it uses) when the submission does not behave as asked.

    The hint is not part of it: hints live in ``configs/course.toml`` with the check's points.
    """

    def __init__(self, expected: str, seen: str, detail: str = "") -> None:
        super().__init__(f"expected {expected}; saw {seen}")
        self.expected = expected
        self.seen = seen
        self.detail = detail


def fail(expected: str, seen: str, detail: str = "") -> None:
    raise CheckFailed(expected, seen, detail)
