"""Hostile submissions against the namespaced sandbox, graded the way students and CI grade.

Each attack runs as exercise 1's ``my_logger.py`` through ``python -m grader ... --json FILE``
while the grader's own environment holds a W&B key. Every test ends with the same audit: the
checkout and the submission byte-identical, the key in no output or file, no process of the run
left, and the results file exactly what the grader wrote.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import socket
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest

from grader.sandbox.isolation import probe_namespaces

from .conftest import ROOT, Graded, processes_mentioning, run_grader, tree_fingerprint

pytestmark = pytest.mark.skipif(not probe_namespaces().namespaced, reason=probe_namespaces().reason)
EXERCISE = "exercise1_log_levels"
KEY = "k3y" + uuid.uuid4().hex + "f00d"  # the grader's secret for this test session


_GUARDED = ("grader", "configs", "solutions", "exercises", "my_project", "tests/submissions")


def _checkout_fingerprint() -> dict[str, str]:
    """Every file of the folders a student would rewrite, plus the checkout's top-level files
    (other tests write their own scratch files elsewhere, so this stays still unless attacked)."""
    paths = [p for p in ROOT.iterdir() if p.is_file()]
    for folder in _GUARDED:
        paths += [p for p in (ROOT / folder).rglob("*") if "__pycache__" not in p.parts]
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        for path in sorted(paths)
    }


_CHECKOUT_BEFORE = _checkout_fingerprint()


class Attack:
    """One hostile submission, graded once, then audited."""

    def __init__(self, tmp_path: Path, source: str, token: str = "") -> None:
        self.token = token or uuid.uuid4().hex
        self.submission = tmp_path / "submission"
        folder = self.submission / EXERCISE
        folder.mkdir(parents=True)
        code = textwrap.dedent(source).replace("TOKEN", self.token)
        (folder / "my_logger.py").write_text(code)
        self.results = tmp_path / "results" / "r.json"
        self.before = tree_fingerprint(self.submission)

    def grade(self, *extra: str) -> Graded:
        graded = run_grader(
            "exercise1",
            "--submission",
            str(self.submission),
            "--json",
            str(self.results),
            "--isolation",
            "namespaces",
            *extra,
            env={"WANDB_API_KEY": KEY, "GRADER_TEST_SECRET": KEY},
            timeout=120,
        )
        self.written = self.results.read_bytes() if self.results.exists() else None
        return graded

    def audit(self, graded: Graded) -> None:
        time.sleep(1.0)  # anything left behind would act now
        assert graded.results is not None, graded.stdout + graded.stderr
        assert graded.exit_code in (0, 1), graded.stderr
        assert self.results.read_bytes() == self.written, "results.json changed after the grader"
        assert "isolation: namespaces" in graded.results["output"]
        for text in (graded.stdout, graded.stderr, self.written.decode()):
            assert KEY not in text
        assert tree_fingerprint(self.submission) == self.before
        assert _checkout_fingerprint() == _CHECKOUT_BEFORE
        assert processes_mentioning(self.token) == []


def test_reading_every_process_environment_finds_no_key(tmp_path: Path) -> None:
    attack = Attack(
        tmp_path,
        """
        import os
        found = []
        for pid in os.listdir("/proc"):
            try:
                found.append(open(f"/proc/{pid}/environ", "rb").read().decode(errors="replace"))
            except OSError:
                pass
        found.append(repr(dict(os.environ)))
        for path in ("/proc/1/cmdline", "/etc/passwd", "/etc/shadow"):
            try:
                found.append(open(path).read())
            except OSError:
                pass
        print("\\n".join(found))
        raise SystemExit("stolen: " + " ".join(found))
        """,
    )
    graded = attack.grade()
    attack.audit(graded)
    assert "runs_cleanly" in graded.failed_checks()


def _digests(paths: list[Path]) -> dict[str, str | None]:
    """Content hash of each path, None where it does not exist (before and after an attack)."""
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        for path in paths
    }


def test_rewriting_the_grader_changes_nothing(tmp_path: Path) -> None:
    target = ROOT / "grader" / "checks" / "exercise1_log_levels.py"
    outside = [Path(importlib.util.find_spec("loguru").origin), Path(sys.executable).resolve()]
    outside_before = _digests(outside)
    attack = Attack(
        tmp_path,
        f"""
        import importlib.util, os, site, sys
        from loguru import logger
        spec = importlib.util.find_spec("grader")
        paths = [{str(target)!r}, {str(ROOT / "configs" / "course.toml")!r},
                 {str(ROOT / "solutions" / EXERCISE / "my_logger.py")!r}]
        if spec and spec.origin:
            paths.append(os.path.join(os.path.dirname(spec.origin), "checks", "exercise1.py"))
        import my_project
        paths.append(my_project.__file__)
        paths.append(logger.__class__.__module__)
        for folder in site.getsitepackages():
            paths.append(os.path.join(folder, "loguru", "__init__.py"))
        paths.append(sys.executable)
        done = []
        for path in paths:
            try:
                os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
                with open(path, "w") as handle:
                    handle.write("def check_runs_cleanly(): pass\\n")
                done.append(path)
            except OSError as error:
                print("refused:", path, error.strerror)
        print("rewrote:", done)
        """,
    )
    graded = attack.grade()
    attack.audit(graded)
    assert graded.results["score"] == 1  # it ran, and logged nothing
    assert _digests(outside) == outside_before  # site-packages and the interpreter


# A duration no other process's command line holds ("777" alone was found in random folder
# names and in the warm template's, whose every run shares it).
SLEEP = f"777.{uuid.uuid4().int % 10**9:09d}"


def test_processes_that_leave_the_session_do_not_outlive_the_run(tmp_path: Path) -> None:
    attack = Attack(
        tmp_path,
        """
        import subprocess, sys
        for _ in range(400):
            subprocess.Popen(["sleep", "SLEEP"], env={}, start_new_session=True)
        code = "import time; time.sleep(777)  # TOKEN"
        subprocess.Popen([sys.executable, "-c", code], env={}, start_new_session=True)
        subprocess.Popen(["setsid", "-f", sys.executable, "-c", code], env={})
        """.replace("SLEEP", SLEEP),
    )
    attack.audit(attack.grade())
    assert processes_mentioning(SLEEP) == []


def test_a_leftover_cannot_forge_the_results_file(tmp_path: Path) -> None:
    attack = Attack(
        tmp_path,
        """
        import json, os, subprocess, sys
        forger = '''
        import json, os, time
        # TOKEN
        target = None
        for pid in os.listdir("/proc"):
            try:
                args = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\\\0")
            except OSError:
                continue
            if b"--json" in args:
                target = args[args.index(b"--json") + 1].decode()
        time.sleep(0.5)
        for path in filter(None, [target, os.environ.get("RESULTS")]):
            try:
                open(path, "w").write(json.dumps({"score": 6, "max_score": 6, "tests": []}))
            except OSError:
                pass
        '''
        subprocess.Popen([sys.executable, "-c", forger], start_new_session=True, env={})
        """,
    )
    graded = attack.grade()
    attack.audit(graded)
    assert graded.results["score"] == 1  # it runs cleanly, and logs nothing


def test_killing_the_parent_does_not_kill_the_grader(tmp_path: Path) -> None:
    attack = Attack(
        tmp_path,
        """
        import os, signal
        from loguru import logger
        logger.debug("about to kill")
        os.kill(os.getppid(), signal.SIGKILL)
        os.kill(-1, signal.SIGKILL)
        """,
    )
    graded = attack.grade()
    attack.audit(graded)
    assert "runs_cleanly" in graded.failed_checks()


def test_writes_outside_its_own_tree_reach_nothing(tmp_path: Path) -> None:
    sentinel_dir = Path("/tmp") / f"grader-sentinel-{uuid.uuid4().hex}"
    sentinel_dir.mkdir()
    sentinel = sentinel_dir / "keep.txt"
    sentinel.write_text("untouched\n")
    sibling = tmp_path / "sibling" / EXERCISE
    sibling.mkdir(parents=True)
    (sibling / "my_logger.py").write_text("print('sibling')\n")
    sibling_before = tree_fingerprint(sibling)
    targets = [
        sentinel,
        sentinel_dir / "new.txt",
        Path("/tmp") / f"evil-{uuid.uuid4().hex}",
        sibling / "my_logger.py",
        tmp_path / "submission" / EXERCISE / "my_logger.py",
        tmp_path / "results" / "r.json",
        ROOT / "README.md",
        ROOT / "grader" / "__init__.py",
        Path("/root/.bashrc"),
        Path("/etc/hosts"),
        Path("/home/evil.txt"),
    ]
    system_before = _digests(targets[-3:])
    attack = Attack(
        tmp_path,
        f"""
        import os
        done = []
        for path in {[str(t) for t in targets]!r}:
            try:
                with open(path, "w") as handle:
                    handle.write("owned")
                done.append(path)
            except OSError:
                pass
        print("wrote", done)
        """,
    )
    attack.audit(attack.grade())
    assert sentinel.read_text() == "untouched\n"
    assert sorted(p.name for p in sentinel_dir.iterdir()) == ["keep.txt"]
    assert not targets[2].exists()
    assert _digests(targets[-3:]) == system_before  # /root, /etc and /home as they were
    assert tree_fingerprint(sibling) == sibling_before
    sentinel.unlink()
    sentinel_dir.rmdir()


def test_no_connection_reaches_a_port_of_the_host(tmp_path: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    accepted: list[object] = []

    def accept() -> None:
        listener.settimeout(0.2)
        while listener.fileno() >= 0:
            try:
                accepted.append(listener.accept())
            except OSError:
                if listener.fileno() < 0:
                    return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    attack = Attack(
        tmp_path,
        f"""
        import socket
        for host in ("127.0.0.1", "localhost", "::1", "10.0.2.2", "172.17.0.1"):
            try:
                socket.create_connection((host, {port}), timeout=1).close()
                print("reached", host)
            except OSError as error:
                print("refused", host, error)
        """,
    )
    attack.audit(attack.grade())
    listener.close()
    thread.join(2)
    assert accepted == []


def test_a_fork_loop_is_stopped_by_the_process_cap(tmp_path: Path) -> None:
    attack = Attack(
        tmp_path,
        """
        import os, time
        from loguru import logger
        children = 0
        try:
            for _ in range(5000):
                if os.fork() == 0:
                    time.sleep(777)  # TOKEN
                    os._exit(0)
                children += 1
        except OSError as error:
            logger.error(f"fork stopped after {children} children: {error.strerror}")
        """,
    )
    graded = attack.grade()
    attack.audit(graded)
    assert "logs_error" not in graded.failed_checks()  # the cap stopped it, with an error


@pytest.mark.long
def test_a_huge_file_stops_at_the_disk_cap(tmp_path: Path) -> None:
    attack = Attack(
        tmp_path,
        """
        import os
        from loguru import logger
        written = 0
        block = b"x" * (1 << 20)
        try:
            with open("huge.bin", "wb") as handle:
                for _ in range(2048):  # 2 GB
                    handle.write(block)
                    written += len(block)
        except OSError as error:
            logger.critical(f"stopped after {written >> 20} MB: {error.strerror}")
        """,
    )
    started = time.monotonic()
    graded = attack.grade()
    attack.audit(graded)
    assert "logs_critical" not in graded.failed_checks()
    assert time.monotonic() - started < 60


@pytest.mark.long
def test_a_batch_attacker_cannot_touch_the_other_students(tmp_path: Path) -> None:
    batch = tmp_path / "class"
    for name in ("alice", "bob"):
        (batch / name / EXERCISE).mkdir(parents=True)
        solution = ROOT / "solutions" / EXERCISE / "my_logger.py"
        (batch / name / EXERCISE / "my_logger.py").write_bytes(solution.read_bytes())
    gradebook = tmp_path / "out" / "grades.csv"
    token = uuid.uuid4().hex
    (batch / "mallory" / EXERCISE).mkdir(parents=True)
    (batch / "mallory" / EXERCISE / "my_logger.py").write_text(
        textwrap.dedent(
            f"""
            import glob, os, subprocess, sys
            from loguru import logger
            for pattern in ({str(batch / "*" / EXERCISE / "*.py")!r},
                            {str(gradebook.parent / "**")!r}):
                for path in glob.glob(pattern, recursive=True):
                    try:
                        open(path, "w").write("raise SystemExit('sabotaged')")
                    except OSError:
                        pass
            code = "import time; time.sleep(777)  # {token}"
            subprocess.Popen([sys.executable, "-c", code], env={{}}, start_new_session=True)
            for level in ("debug", "info", "warning", "error", "critical"):
                getattr(logger, level)("mallory")
            """
        )
    )
    before = {name: tree_fingerprint(batch / name) for name in ("alice", "bob", "mallory")}
    graded = run_grader(
        "exercise1", "--batch", str(batch), "--gradebook", str(gradebook), timeout=300
    )
    rows = {line.split(",")[0]: line for line in gradebook.read_text().splitlines()[1:]}
    assert rows["alice"].startswith("alice,full marks,6"), graded.stderr
    assert rows["bob"].startswith("bob,full marks,6")
    assert rows["mallory"].startswith("mallory,full marks,6")  # its own grade, earned
    assert {name: tree_fingerprint(batch / name) for name in before} == before
    assert _checkout_fingerprint() == _CHECKOUT_BEFORE
    time.sleep(0.5)
    assert processes_mentioning(token) == []
    results = json.loads((gradebook.parent / "grades-results" / "alice.json").read_text())
    assert results["score"] == 6


def test_namespaces_refused_is_one_line_and_exit_2(tmp_path: Path) -> None:
    graded = run_grader(
        "exercise1",
        "--submission",
        str(ROOT / "solutions"),
        "--isolation",
        "namespaces",
        env={"GRADER_BWRAP": "/nonexistent/bwrap"},
    )
    assert graded.exit_code == 2
    assert graded.stderr.count("\n") == 1
    assert graded.stderr.startswith("grade: error: --isolation namespaces: ")


def test_process_fallback_says_so_in_every_report(tmp_path: Path) -> None:
    results, junit = tmp_path / "r.json", tmp_path / "j.xml"
    summary = tmp_path / "summary.md"
    graded = run_grader(
        "exercise1",
        "--submission",
        str(ROOT / "solutions"),
        "--json",
        str(results),
        "--junit",
        str(junit),
        env={"GRADER_BWRAP": "/nonexistent/bwrap", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert graded.exit_code == 0, graded.stdout + graded.stderr
    line = "isolation: process only, because GRADER_BWRAP=/nonexistent/bwrap is no program"
    assert line in graded.stdout
    assert line in graded.results["output"]
    assert graded.results["extra_data"]["isolation"].startswith(line)
    assert line in junit.read_text()
    assert line in summary.read_text()
