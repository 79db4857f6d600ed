"""The sandbox survives what student code does, and leaves nothing behind.

Every test runs twice: in the run's own namespaces and in the process sandbox, the fallback
where namespaces cannot be made (both must hold for honest-but-careless code).
"""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest

from grader.sandbox import Limits, Sandbox
from grader.sandbox.isolation import Isolation, probe_namespaces

from .conftest import processes_mentioning, tree_fingerprint

_NAMESPACES = probe_namespaces()


@pytest.fixture(params=["namespaces", "process"])
def isolation(request) -> Isolation:
    if request.param == "process":
        return Isolation("process", "the test asks for the process sandbox")
    if not _NAMESPACES.namespaced:
        pytest.skip(_NAMESPACES.reason)
    return _NAMESPACES


def _folder(tmp_path: Path, source: str, name: str = "script.py") -> Path:
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / name).write_text(textwrap.dedent(source))
    (folder / "notes.txt").write_text("keep me\n")
    return folder


def test_infinite_loop_with_children_is_stopped_and_nothing_survives(
    tmp_path: Path, isolation: Isolation
) -> None:
    token = f"grader-test-sleeper-{os.getpid()}-{time.time_ns()}"
    folder = _folder(
        tmp_path,
        f"""
        import subprocess, sys
        # a child in the group, and a grandchild that escapes the group with setsid
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{token}"])
        subprocess.Popen(["setsid", sys.executable, "-c", "import time; time.sleep(600)",
                          "{token}"])
        while True:
            pass
        """,
    )
    with Sandbox(folder, Limits(time_s=2), isolation) as box:
        started = time.monotonic()
        result = box.run("script.py")
        elapsed = time.monotonic() - started
    assert result.timed_out and not result.ok
    assert result.status() == "time limit of 2 s exceeded (the process was stopped)"
    assert elapsed < 8
    time.sleep(0.2)
    assert processes_mentioning(token) == []


def test_huge_output_is_capped_head_and_tail(tmp_path: Path, isolation: Isolation) -> None:
    folder = _folder(
        tmp_path,
        """
        import sys
        sys.stdout.write("FIRST LINE\\n")
        block = b"x" * (1 << 20)
        for _ in range(300):
            sys.stdout.buffer.write(block)
        sys.stdout.flush()
        print("\\nLAST LINE")
        """,
    )
    with Sandbox(folder, Limits(time_s=60, output_kb=16), isolation) as box:
        result = box.run("script.py", probe=False)
    assert result.ok
    assert result.stdout.startswith("FIRST LINE")
    assert result.stdout.rstrip().endswith("LAST LINE")
    assert "bytes of output cut" in result.stdout
    assert len(result.stdout) < 40_000


def test_huge_allocation_hits_the_memory_limit(tmp_path: Path, isolation: Isolation) -> None:
    folder = _folder(tmp_path, "data = bytearray(8 * 1024 ** 3)\nprint(len(data))\n")
    with Sandbox(folder, Limits(memory_mb=1024), isolation) as box:
        result = box.run("script.py")
    assert not result.ok
    assert result.out_of_memory
    assert result.status() == "ran out of memory (limit 1024 MB)"


def test_sigkill_is_reported_in_words(tmp_path: Path, isolation: Isolation) -> None:
    folder = _folder(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    with Sandbox(folder, Limits(), isolation) as box:
        result = box.run("script.py")
    assert result.signal_name == "SIGKILL"
    assert result.status() == "was killed by signal SIGKILL"


def test_invalid_utf8_output_is_tolerated(tmp_path: Path, isolation: Isolation) -> None:
    folder = _folder(
        tmp_path,
        "import sys\nsys.stdout.buffer.write(b'ok \\xff\\xfe \\xc3\\x28 end')\n"
        "sys.stderr.buffer.write(b'\\x80\\x81')\n",
    )
    with Sandbox(folder, Limits(), isolation) as box:
        result = box.run("script.py")
    assert result.ok
    assert result.stdout.startswith("ok ") and result.stdout.endswith(" end")
    assert "\ufffd" in result.stdout and "\ufffd" in result.stderr


def test_a_script_that_empties_its_folder_leaves_the_student_files_alone(
    tmp_path: Path, isolation: Isolation
) -> None:
    folder = _folder(
        tmp_path,
        """
        import os, shutil
        from pathlib import Path
        here = Path(__file__).resolve().parent
        for item in here.iterdir():
            shutil.rmtree(item) if item.is_dir() else item.unlink()
        Path(here, "notes.txt").write_text("overwritten")
        try:
            shutil.rmtree(here.parent.parent / "student")
        except OSError:
            pass
        """,
    )
    (folder / "data").mkdir()
    (folder / "data" / "x.csv").write_text("1,2\n")
    before = tree_fingerprint(folder)
    with Sandbox(folder, Limits(), isolation) as box:
        result = box.run("script.py")
    assert result.ok, result.stderr
    assert tree_fingerprint(folder) == before


def test_environment_is_scrubbed_and_home_is_private(
    tmp_path: Path, isolation: Isolation, monkeypatch
) -> None:
    monkeypatch.setenv("WANDB_API_KEY", "a" * 40)
    monkeypatch.setenv("LOGURU_LEVEL", "WARNING")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    folder = _folder(
        tmp_path, "import json, os\nprint(json.dumps(dict(os.environ), sort_keys=True))\n"
    )
    with Sandbox(folder, Limits(), isolation) as box:
        result = box.run("script.py", probe=False)
        env = __import__("json").loads(result.stdout)
        assert env["HOME"] == str(result.home) and result.home.is_dir()
        for name in ("WANDB_DIR", "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR", "WANDB_DATA_DIR"):
            assert env[name].startswith(str(result.home))
    assert env["WANDB_MODE"] == "offline"
    leaked = [
        n
        for n in env
        if n.startswith("LOGURU_")
        or n in ("AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "WANDB_API_KEY")
    ]
    assert leaked == []
    assert "a" * 40 not in result.stdout


def test_the_script_is_main_as_python_runs_it(tmp_path: Path, isolation: Isolation) -> None:
    """``python SCRIPT`` keeps the script's module as ``__main__`` and clears its globals at
    exit, after atexit: a file it never closed is written out whole (runpy lost it)."""
    source = """
        import atexit, sys
        log = open("unclosed.txt", "w")
        log.write("written at exit")
        def keeps_the_globals_in_a_cycle():
            return log
        atexit.register(lambda: print("atexit sees log:", log is not None))
        main = sys.modules["__main__"]
        print(main.__dict__ is globals(), __package__, __spec__, type(__loader__).__name__)
    """
    with Sandbox(_folder(tmp_path, source), Limits(), isolation) as box:
        result = box.run("script.py")
        written = (result.workdir / "unclosed.txt").read_text()
    assert result.ok, result.stderr
    assert result.stdout == "True None None SourceFileLoader\natexit sees log: True\n"
    assert written == "written at exit"


def test_os_exit_and_crash_are_told_apart(tmp_path: Path, isolation: Isolation) -> None:
    folder = _folder(tmp_path, "import os\nos._exit(0)\n")
    (folder / "crash.py").write_text("def f():\n    return 1 / 0\n\nf()\n")
    with Sandbox(folder, Limits(), isolation) as box:
        quiet_exit = box.run("script.py")
        crash = box.run("crash.py")
    assert quiet_exit.exit_code == 0
    assert crash.exit_code == 1
    assert 'File "crash.py", line 2, in f' in crash.stderr
    assert "ZeroDivisionError" in crash.stderr
    assert "runpy" not in crash.stderr and "probe.py" not in crash.stderr


@pytest.mark.parametrize("limit", [1.5])
def test_time_limit_is_honoured_for_sleeping_scripts(
    tmp_path: Path, isolation: Isolation, limit: float
) -> None:
    folder = _folder(tmp_path, "import time\ntime.sleep(60)\n")
    with Sandbox(folder, Limits(time_s=limit), isolation) as box:
        started = time.monotonic()
        result = box.run("script.py")
    assert result.timed_out
    assert time.monotonic() - started < limit + 3


def test_links_and_special_files_in_the_submission_are_harmless(
    tmp_path: Path, isolation: Isolation
) -> None:
    folder = _folder(
        tmp_path,
        """
        from pathlib import Path
        Path("linked.txt").write_text("changed through the link?")
        print(sorted(p.name for p in Path(".").iterdir()))
        """,
    )
    (tmp_path / "outside.txt").write_text("original\n")
    (folder / "linked.txt").symlink_to(tmp_path / "outside.txt")
    (folder / "root").symlink_to("/")
    (folder / "dangling").symlink_to(tmp_path / "missing")
    os.mkfifo(folder / "pipe")
    with Sandbox(folder, Limits(), isolation) as box:
        result = box.run("script.py")
    assert result.ok, result.stderr
    assert "root" not in result.stdout and "pipe" not in result.stdout
    assert (tmp_path / "outside.txt").read_text() == "original\n"


def test_runs_in_a_shared_workspace_see_what_earlier_runs_left(
    tmp_path: Path, isolation: Isolation
) -> None:
    """``workdir``: a folder kept between runs (a git repository the runs share), started in
    as ``python SCRIPT``; the student's own folder stays untouched."""
    source = """
        import os, pathlib, sys
        counter = pathlib.Path("counter.txt")
        count = int(counter.read_text()) if counter.exists() else 0
        counter.write_text(str(count + 1))
        print(count + 1, os.getcwd() == os.path.dirname(os.path.abspath(sys.argv[0])))
    """
    folder = _folder(tmp_path, source)
    before = tree_fingerprint(folder)
    with Sandbox(folder, Limits(time_s=20), isolation) as box:
        shared = box.workspace("shared")
        assert (shared / "notes.txt").read_text() == "keep me\n"
        outputs = [box.run("script.py", workdir=shared).stdout.split() for _ in range(2)]
        assert (shared / "counter.txt").read_text() == "2"
    assert outputs == [["1", "True"], ["2", "True"]]
    assert tree_fingerprint(folder) == before
