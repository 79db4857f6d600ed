"""The warm template backs its imports with huge pages between runs (``kernel.collapse``), so
that each run's forks copy, and its exit frees, one page-table entry per 2 MiB instead of 512.
``test_warm.py`` runs its whole comparison of warm and cold runs on such a template (the
session's, started for many runs); these tests show that the pages really are huge."""

from __future__ import annotations

import ctypes
import mmap
import time
from pathlib import Path

import pytest

from grader.sandbox import kernel
from grader.sandbox import warm as warm_runs
from grader.sandbox.isolation import probe_namespaces

_MIB = 1 << 20
_COLLAPSED_S = 180  # the template collapses about 400 MB between runs: 1 s alone


def _huge_kib(smaps: str, start: int | None = None) -> int:
    """AnonHugePages of the mapping at ``start`` in an smaps text, or of them all."""
    total, inside = 0, start is None
    for line in smaps.splitlines():
        head = line.split()[0]
        if "-" in head and not head.endswith(":"):
            inside = start is None or int(head.split("-")[0], 16) <= start < int(
                head.split("-")[1], 16
            )
        elif inside and head == "AnonHugePages:":
            total += int(line.split()[1])
    return total


def _collapse_fresh_mapping(size: int) -> tuple[bool, int, list[tuple[int, int]]]:
    """Collapse a fresh, written anonymous mapping of ``size`` bytes: whether the kernel
    could, how much of it smaps then shows as huge pages (kB), and the ranges listed."""
    region = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    region.write(b"x" * size)
    view = ctypes.c_char.from_buffer(region)
    start = ctypes.addressof(view)
    try:
        ranges = kernel.anonymous_huge_ranges(chunk=4 * _MIB)
        mine = [(at, length) for at, length in ranges if start <= at < start + size]
        collapsed = any([kernel.collapse(at, length) for at, length in mine])
        huge = _huge_kib(Path("/proc/self/smaps").read_text(), start)
        assert region[:3] == b"xxx" and region[-3:] == b"xxx", "collapse changed the memory"
        return collapsed, huge, mine
    finally:
        del view
        region.close()


@pytest.fixture
def collapsing() -> None:
    if not _collapse_fresh_mapping(8 * _MIB)[0]:
        pytest.skip("this kernel backs no memory with huge pages (MADV_COLLAPSE, 6.1+)")


def test_collapse_backs_an_anonymous_mapping_with_huge_pages(collapsing: None) -> None:
    collapsed, huge, mine = _collapse_fresh_mapping(16 * _MIB)
    assert len(mine) >= 3, f"expected the 16 MiB mapping listed in 4 MiB ranges, got {mine}"
    for at, length in mine:
        assert at % (2 * _MIB) == 0 and length % (2 * _MIB) == 0 and length <= 4 * _MIB
    assert collapsed and huge >= 8192, f"expected huge pages in the mapping, smaps: {huge} kB"


def _template_python(bwrap_pid: int) -> int:
    """The template's own process, below the bwrap that started it."""
    waiting, seen = [bwrap_pid], []
    while waiting:
        pid = waiting.pop()
        seen.append(pid)
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if len(argv) > 1 and argv[1].endswith(b"/template.py"):  # not bwrap's, which names it
            return pid
        for task in Path(f"/proc/{pid}/task").iterdir():
            waiting += [int(child) for child in (task / "children").read_text().split()]
    raise AssertionError(f"no template.py among the processes {seen}")


def test_a_template_for_many_runs_backs_its_imports_with_huge_pages(collapsing: None) -> None:
    isolation = probe_namespaces()
    if not isolation.namespaced:
        pytest.skip(isolation.reason)
    if not warm_runs.enabled():
        pytest.skip(f"{warm_runs.COLD}=1 turns warm runs off")
    template = warm_runs.owned()
    if template is None:  # a batch's template started these tests; ours has none
        pytest.skip("this test process does not own the template")
    assert template.ready_event.wait(300) and template.usable, template.describe()
    smaps = Path(f"/proc/{_template_python(template.pid)}/smaps_rollup")
    deadline = time.monotonic() + _COLLAPSED_S
    huge = _huge_kib(smaps.read_text())
    while huge < 64 * 1024 and time.monotonic() < deadline:
        time.sleep(0.5)
        huge = _huge_kib(smaps.read_text())
    assert huge >= 64 * 1024, f"expected at least 64 MiB of huge pages, the template has {huge} kB"
