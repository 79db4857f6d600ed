"""Small judgements on values read from a submission: is it a number, which known word it means."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def is_number(value: object) -> bool:
    """Whether ``value`` is a real number: an int or a float, but not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def did_you_mean(word: str, options: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The option closest to ``word`` (difflib's ratio at least ``cutoff``), or None."""
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return matches[0] if matches else None
