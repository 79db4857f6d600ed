"""Exercise 14's random collections: every draw names each known mistake the same way.

A script reads the versions in whatever order the API gives them, so a mistake that picks one of
two equal values would link a version that depends on that order, and the hint would change from
run to run. These tests draw many collections and take each mistake in both orders.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from grader.checks.exercise14_registry_best import (
    MAXIMIZE,
    MINIMIZE,
    Plan,
    _why_not,
    best_versions,
    draw_versions,
)

DRAWS = 1000

Versions = dict[str, dict[str, Any]]


def _versions(seed: int) -> Versions:
    specs = draw_versions(random.Random(seed))
    return {f"v{i}": spec["metadata"] for i, spec in enumerate(specs)}


def _scored(versions: Versions, metric: str) -> list[str]:
    return [v for v, meta in versions.items() if metric in meta]


def _as_text(versions: Versions, plan: Plan, order: list[str]) -> str:
    pick = max if plan.goal == "maximize" else min
    return pick(order, key=lambda v: str(versions[v][plan.metric]))


def _worst(versions: Versions, plan: Plan, order: list[str]) -> str:
    pick = min if plan.goal == "maximize" else max
    return pick(order, key=lambda v: versions[v][plan.metric])


MISTAKES: dict[str, tuple[Callable[[Versions, Plan, list[str]], str], str]] = {
    "compares as text": (_as_text, "compared as text"),
    "reverses the goal": (_worst, "that is the worst"),
}


@pytest.mark.parametrize("plan", [MAXIMIZE, MINIMIZE], ids=lambda p: p.goal)
@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_mistake_picks_one_version_in_any_order_and_is_named(plan: Plan, mistake: str) -> None:
    wrong, named = MISTAKES[mistake]
    for seed in range(DRAWS):
        versions = _versions(seed)
        order = _scored(versions, plan.metric)
        picks = {wrong(versions, plan, order), wrong(versions, plan, order[::-1])}
        assert len(picks) == 1, f"draw {seed}: {mistake} picks {picks} by reading order"
        (linked,) = picks
        if mistake == "compares as text" and plan is MAXIMIZE:
            # accuracies 0.xxxx sort the same as text: the mistake is harmless there
            assert linked in best_versions(versions, plan), f"draw {seed}"
            continue
        assert linked not in best_versions(versions, plan), f"draw {seed}: {mistake} is right"
        why = _why_not(versions, linked, plan)
        assert named in why, f"draw {seed}: {mistake} linked {linked}, diagnosed as {why!r}"


def test_the_draw_keeps_its_promises() -> None:
    for seed in range(DRAWS):
        versions = _versions(seed)
        newest = f"v{len(versions) - 1}"
        missing = [v for v, meta in versions.items() if "accuracy" not in meta]
        assert len(missing) == 1 and missing[0] not in ("v0", newest), f"draw {seed}"
        tied = best_versions(versions, MINIMIZE)
        assert len(tied) == 2 and "v0" not in tied and newest not in tied, f"draw {seed}"
        (best,) = best_versions(versions, MAXIMIZE)
        assert best not in ("v0", newest), f"draw {seed}"
        counts = [versions[v]["misclassified"] for v in _scored(versions, "misclassified")]
        assert max(counts) >= 100, f"draw {seed}"
