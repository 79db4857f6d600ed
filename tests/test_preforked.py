"""The preforked grader: a grading forked from it is `python -m grader`, and it cleans up."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from grader.batch import _run_grading
from grader.preforked import PreforkedGrader, ServerUnavailable

from .conftest import ROOT, Graded, run_grader

HANG = "import time\ntime.sleep(600)\n"


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def _comparable(graded: Graded) -> tuple:
    results = dict(graded.results or {})
    results.pop("execution_time", None)
    tests = [
        {k: v for k, v in t.items() if k != "execution_time"} for t in results.pop("tests", [])
    ]
    return (
        graded.exit_code,
        tests,
        results.get("score"),
        results.get("extra_data", {}).get("exercises"),
    )


@pytest.fixture(scope="module")
def server() -> PreforkedGrader:
    with PreforkedGrader() as grader:
        yield grader


def test_it_imports_the_whole_grader_and_starts_no_thread(server: PreforkedGrader) -> None:
    assert server.failed == []  # every check module and reader library was importable
    # It answered "ready": it had one Python thread after the imports (it refuses otherwise).
    # Native threads are the allocators' own (pyarrow's jemalloc), which survive a fork.
    names = [
        (Path(f"/proc/{server.process.pid}/task") / task / "comm").read_text().strip()
        for task in os.listdir(f"/proc/{server.process.pid}/task")
    ]
    assert names[0] == "python" and set(names[1:]) <= {"jemalloc_bg_thd"}, names


def test_a_server_for_some_tools_imports_only_what_their_checks_read(
    server: PreforkedGrader, tmp_path: Path
) -> None:
    assert "mlflow.tracking" in server.imported and "wandb" in server.imported
    with PreforkedGrader(tools={"loguru"}) as loguru_only:
        assert "wandb" in loguru_only.imported  # every course's
        assert not [name for name in loguru_only.imported if name.startswith(("mlflow", "alembic"))]
        args = ("exercise1_log_levels", "--submission", str(ROOT / "solutions"))
        graded = run_grader(*args, preforked=loguru_only)
        assert graded.exit_code == 0, graded.stdout + graded.stderr


def test_a_template_for_a_course_without_mlflow_leaves_out_what_only_mlflow_runs_import() -> None:
    from grader.sandbox import warm

    for tools in (None, {"mlflow"}, {"wandb", "mlflow"}):
        assert "sqlalchemy.orm" in warm.preload_for(tools), tools
    assert "sqlalchemy.orm" not in warm.preload_for({"wandb", "docker"})
    assert warm.preload_for({"wandb"}) == list(warm.PRELOAD)


@pytest.mark.parametrize(
    ("exercise", "folder", "code"),
    [("exercise1_log_levels", "solutions", 0), ("exercise2_warning_filter", "exercises", 1)],
)
def test_a_forked_grading_is_the_command(
    server: PreforkedGrader, tmp_path: Path, exercise: str, folder: str, code: int
) -> None:
    graded = {}
    for way in ("command", "forked"):
        submission = tmp_path / way
        shutil.copytree(ROOT / folder / exercise, submission / exercise)
        args = (exercise, "--submission", str(submission), "--json", str(tmp_path / f"{way}.json"))
        graded[way] = run_grader(*args, preforked=server if way == "forked" else None)
    assert graded["forked"].exit_code == code
    assert _comparable(graded["forked"]) == _comparable(graded["command"])
    assert graded["forked"].stdout.replace(str(tmp_path / "forked"), "X") == graded[
        "command"
    ].stdout.replace(str(tmp_path / "command"), "X")


def test_a_usage_error_keeps_its_status_and_message(server: PreforkedGrader) -> None:
    forked = run_grader("exercise99_nothing", preforked=server)
    command = run_grader("exercise99_nothing")
    assert forked.exit_code == command.exit_code == 2
    assert forked.stderr == command.stderr and "exercise99_nothing" in forked.stderr


def test_the_grading_has_the_requests_directory_and_environment(
    server: PreforkedGrader, tmp_path: Path
) -> None:
    submission = tmp_path / "submission"
    shutil.copytree(
        ROOT / "solutions" / "exercise1_log_levels", submission / "exercise1_log_levels"
    )
    summary = tmp_path / "summary.md"
    graded = run_grader(
        "1",
        "--submission",
        "submission",
        "--json",
        "r.json",  # relative: to the request's directory, not the server's
        cwd=tmp_path,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
        preforked=server,
    )
    assert graded.exit_code == 0, graded.stdout + graded.stderr
    assert json.loads((tmp_path / "r.json").read_text())["score"] > 0
    assert "exercise1" in summary.read_text()  # read from the request's environment


def test_a_grading_leaves_the_servers_own_temporary_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's imports made temporary folders (wandb makes two, and removes them at exit):
    each grading gets its own in its TMPDIR, as a fresh `python -m grader` does, and removes
    those (a grading's exit removed the server's, which every later grading shared)."""
    own = tmp_path / "server-tmp"
    own.mkdir()
    monkeypatch.setenv("TMPDIR", str(own))
    with PreforkedGrader() as server:
        made = sorted(own.iterdir())
        assert made, "expected the server's imports to make temporary folders in its TMPDIR"
        for _ in range(2):
            args = ("exercise1_log_levels", "--submission", str(ROOT / "solutions"))
            graded = run_grader(*args, preforked=server, env={"TMPDIR": str(tmp_path)})
            assert graded.exit_code == 0, graded.stdout + graded.stderr
        gone = [path.name for path in made if not path.exists()]
        assert not gone, f"a grading's exit removed the server's folders {gone}"
    left = [path.name for path in tmp_path.iterdir() if path.name.startswith("tmp")]
    assert not left, f"the gradings' own copies, in their TMPDIR, outlived them: {left}"


def test_a_grading_past_its_time_is_killed_with_its_group(
    server: PreforkedGrader, tmp_path: Path
) -> None:
    submission = tmp_path / "submission" / "exercise1_log_levels"
    submission.mkdir(parents=True)
    (submission / "my_logger.py").write_text(HANG)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        started = time.monotonic()
        argv = ["1", "--submission", str(submission.parent), "--cold"]
        code = server.grade(
            argv, env=dict(os.environ), cwd=ROOT, stdout=null, stderr=null, timeout=3
        )
    finally:
        os.close(null)
    assert code is None
    assert time.monotonic() - started < 30
    left = _children(server.process.pid)
    assert not any(map(_alive, left)), left  # killed and reaped before grade() returned
    assert server.grade(["--help"], env=dict(os.environ), cwd=ROOT, stdout=1, stderr=2) == 0


def _children(pid: int) -> list[int]:
    return [p for p in map(int, filter(str.isdigit, os.listdir("/proc"))) if _parent(p) == pid]


def _hanging_grading(
    tmp_path: Path, server: PreforkedGrader
) -> tuple[threading.Thread, dict, list[int]]:
    """A grading whose run sleeps (until its 10 s limit), started in a thread: the thread, what
    ``grade`` returned or raised, and the grading's pid."""
    submission = tmp_path / "submission" / "exercise1_log_levels"
    submission.mkdir(parents=True)
    (submission / "my_logger.py").write_text(HANG)
    outcome: dict = {}

    def grade() -> None:
        null = os.open(os.devnull, os.O_WRONLY)
        argv = ["1", "--submission", str(submission.parent)]
        try:
            outcome["code"] = server.grade(
                argv, env=dict(os.environ), cwd=ROOT, stdout=null, stderr=null
            )
        except ServerUnavailable as error:
            outcome["error"] = error
        finally:
            os.close(null)

    worker = threading.Thread(target=grade)
    worker.start()
    time.sleep(2)
    gradings = _children(server.process.pid)
    assert gradings, "the grading did not start"
    return worker, outcome, gradings


def test_closing_the_server_ends_the_gradings_it_runs(tmp_path: Path) -> None:
    server = PreforkedGrader()
    worker, outcome, gradings = _hanging_grading(tmp_path, server)
    server.close()
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert server.process.returncode is not None
    assert not any(map(_alive, gradings))
    # It closed the grading's socket without a status: the client says the server is gone.
    assert set(outcome) == {"error"}, outcome


def test_a_grading_does_not_outlive_a_killed_server(tmp_path: Path) -> None:
    """A batch grades the student again in a process of its own when the server is gone, so
    the first grading must not go on beside it (writing the same results.json)."""
    server = PreforkedGrader()
    worker, outcome, gradings = _hanging_grading(tmp_path, server)
    server.process.kill()  # no chance to kill its gradings itself
    worker.join(timeout=60)
    server.close()
    assert not worker.is_alive()
    assert set(outcome) == {"error"}, outcome
    deadline = time.monotonic() + 2  # well before the run's own 10 s limit would end it
    while any(map(_alive, gradings)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_alive, gradings)), gradings


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_a_batch_grades_in_a_process_of_its_own_when_there_is_no_server() -> None:
    gone = PreforkedGrader()
    gone.close()
    with pytest.raises(ServerUnavailable):
        gone.grade(["--help"], env=dict(os.environ), cwd=ROOT, stdout=1, stderr=2)
    assert _run_grading(gone, ["exercise99_nothing"], dict(os.environ), 60) == 2
