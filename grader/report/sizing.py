"""Keeping a results file within the size a platform accepts: texts cut, longest first."""

from __future__ import annotations

import json
from collections.abc import Callable

KEEP = 200  # characters a cut text keeps at least
_MARK = "\n[... {} more characters cut: the results must stay within {} bytes]"


def compact_json(data: dict) -> bytes:
    """The JSON written (ASCII only, no spaces): what the size limits are measured on."""
    return json.dumps(data, separators=(",", ":")).encode("ascii")


def shrink_texts(
    data: dict,
    places: list[tuple[dict, str]],
    limit: int,
    size: Callable[[dict], int] = lambda data: len(compact_json(data)),
) -> int:
    """Cut the text at ``container[key]`` of ``places``, longest first, until ``size(data)``
    is at most ``limit``; each cut text ends saying how much of it was left out.

    Returns how many texts were cut; the data may still be too large when every text is down
    to ``KEEP`` characters (the caller decides what then).
    """
    originals: dict[int, str] = {}
    kept: dict[int, int] = {}  # characters of the original each text keeps (once looked at)
    cut: set[int] = set()
    while (excess := size(data) - limit) > 0:
        candidates = [
            (kept.get(index, len(container[key])), index)
            for index, (container, key) in enumerate(places)
            if isinstance(container.get(key), str) and kept.get(index, KEEP + 1) > KEEP
        ]
        if not candidates:
            break
        length, index = max(candidates)
        container, key = places[index]
        original = originals.setdefault(index, container[key])
        if length <= KEEP:  # short already: nothing to gain here
            kept[index] = length
            continue
        # The mark's serialized length at its longest, so that one cut is enough when it can be.
        mark = len(json.dumps(_MARK.format(len(original) - KEEP, limit)))
        keep = max(KEEP, min(length - 1, length - excess - mark))
        kept[index] = keep
        cut.add(index)
        container[key] = original[:keep] + _MARK.format(len(original) - keep, limit)
    return len(cut)
