"""The model of the image a Dockerfile builds (grader/readers/docker_image.py), rule by rule,
and, where a Docker engine answers, its verdicts against the engine's on the known
submissions of exercise 10."""

from __future__ import annotations

import shutil
import textwrap
import tomllib
import uuid
from pathlib import Path, PurePosixPath

import pytest

from grader.checks.exercise10_docker_auth import (
    DOCKERFILE,
    TESTER,
    container_problems,
    image_runs,
    plan_run,
)
from grader.fakewandb import FakeWandb
from grader.readers.docker_image import DockerImage, expand, model_image, split_script
from grader.readers.dockerfile import read_dockerfile, read_dockerignore
from grader.readers.secrets import SECRET_FILES
from grader.sandbox import Limits, Sandbox
from grader.sandbox.docker_engine import (
    build_image,
    engine_available,
    image_tag,
    remove_image,
    run_image,
)

from .conftest import ROOT

P = PurePosixPath
TESTER_TEXT = 'import wandb\nprint("tester")\n'
CASES = sorted((ROOT / "tests" / "submissions" / "exercise10_docker_auth").glob("*/case.toml"))


def model(tmp_path: Path, dockerfile: str, **files: str) -> DockerImage:
    """The model of ``dockerfile`` with a build context holding the tester and ``files``
    (a name's "/" may be written "__": ``src__a_py``)."""
    (tmp_path / DOCKERFILE).write_text(textwrap.dedent(dockerfile).lstrip(), encoding="utf-8")
    if TESTER not in files:
        (tmp_path / TESTER).write_text(TESTER_TEXT, encoding="utf-8")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return model_image(read_dockerfile(tmp_path / DOCKERFILE), tmp_path, DOCKERFILE)


def paths(image: DockerImage, source: str = TESTER) -> list[str]:
    return sorted(str(f.path) for f in image.final.files.values() if f.source == source)


def errors(image: DockerImage) -> str:
    return "; ".join(str(note) for note in image.build_errors())


# -- the working directory -----------------------------------------------------------------


def test_workdir_is_relative_to_the_last_one_and_created(tmp_path: Path) -> None:
    image = model(tmp_path, "FROM python:3.12-slim\nWORKDIR /srv\nWORKDIR app\nWORKDIR ../x/./y\n")
    assert image.final.workdir == P("/srv/x/y")
    assert image.final.is_dir(P("/srv/app")) and image.final.is_dir(P("/srv/x/y"))
    assert image.launch().cwd == P("/srv/x/y")


def test_workdir_and_copy_destinations_expand_variables(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        ARG BASE=3.12
        FROM python:${BASE}-slim
        ARG HOME_DIR=/srv
        ENV APP=${HOME_DIR}/tester
        WORKDIR $APP
        COPY wandb_tester.py ${APP}/
        """,
    )
    assert image.root_base() == "python:3.12-slim"
    assert paths(image) == ["/srv/tester/wandb_tester.py"]


# -- files: COPY and ADD -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "where"),
    [
        ("COPY wandb_tester.py /app", "/app"),  # no slash, no folder: a file named /app
        ("COPY wandb_tester.py /app/", "/app/wandb_tester.py"),
        ("WORKDIR /app\nCOPY wandb_tester.py /app", "/app/wandb_tester.py"),  # a folder now
        ("COPY wandb_tester.py /opt", "/opt/wandb_tester.py"),  # the base image's folder
        ("WORKDIR /code\nCOPY wandb_tester.py .", "/code/wandb_tester.py"),
        ("WORKDIR /code\nCOPY wandb_tester.py main.py", "/code/main.py"),
        ('COPY ["wandb_tester.py", "/srv/"]', "/srv/wandb_tester.py"),
        ("COPY *.py /app/", "/app/wandb_tester.py"),
        ("COPY w?ndb_[st]ester.py /app/", "/app/wandb_tester.py"),
        ("COPY . /app", "/app/wandb_tester.py"),  # a folder's contents, slash or not
        ("ADD wandb_tester.py /add/", "/add/wandb_tester.py"),
        ("COPY --parents ./wandb_tester.py /p/", "/p/wandb_tester.py"),
    ],
)
def test_copy_destination_rules(tmp_path: Path, lines: str, where: str) -> None:
    image = model(tmp_path, "FROM python:3.12-slim\n" + lines + "\n")
    assert paths(image) == [where], errors(image)


def test_copy_of_a_folder_copies_its_contents(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        "FROM python:3.12-slim\nCOPY src /app\nCOPY src /keep/src\n",
        **{"src/pkg/a.py": "", "src/b.txt": ""},
    )
    files = sorted(str(p) for p in image.final.files)
    assert files == ["/app/b.txt", "/app/pkg/a.py", "/keep/src/b.txt", "/keep/src/pkg/a.py"]


def test_several_sources_need_a_folder(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        "FROM python:3.12-slim\nCOPY wandb_tester.py requirements.txt /app\n",
        **{"requirements.txt": "wandb\n"},
    )
    assert "/app/wandb_tester.py" not in paths(image)
    assert any("several sources" in note.text for note in image.unsure())


def test_copy_owner_and_missing_sources(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        FROM python:3.12-slim
        COPY --chown=tester:tester wandb_tester.py /app/
        COPY missing.py /app/
        COPY nothing-*.py /app/
        COPY .env /app/
        """,
    )
    tester = image.final.files[P("/app/wandb_tester.py")]
    assert tester.owner == "tester"
    assert errors(image) == "line 3: missing.py: not in the build context"  # a glob: no error
    assert P("/app/.env") in image.final.files  # git-ignored secrets: the secret check's


def test_copy_from_stages_by_name_and_index(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        FROM python:3.12 AS build
        WORKDIR /src
        COPY wandb_tester.py .
        FROM python:3.12-slim
        COPY --from=build /src/wandb_tester.py /a/
        COPY --from=0 /src /b
        COPY --from=build src/wandb_tester.py /c/main.py
        COPY --from=build /src/other.py /d/
        """,
    )
    assert paths(image) == ["/a/wandb_tester.py", "/b/wandb_tester.py", "/c/main.py"]
    assert "line 8: /src/other.py: not in stage build" in errors(image)


def test_dockerignore_last_rule_wins_and_dockerfile_specific_file(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("*\n!wandb_tester.py\n", encoding="utf-8")
    image = model(tmp_path, "FROM python:3.12-slim\nCOPY . /app/\n", **{"notes.txt": ""})
    assert sorted(str(p) for p in image.final.files) == ["/app/wandb_tester.py"]
    (tmp_path / f"{DOCKERFILE}.dockerignore").write_text("**/*.py\n", encoding="utf-8")
    image = model(tmp_path, "FROM python:3.12-slim\nCOPY . /app/\n")
    assert paths(image) == []
    assert image.context.ignore.file == f"{DOCKERFILE}.dockerignore"
    rule = image.context_state(TESTER)
    assert rule.line == 1 and rule.pattern == "**/*.py"


@pytest.mark.parametrize(
    ("patterns", "path", "excluded"),
    [
        ("*.py", "a.py", True),
        ("*.py", "sub/a.py", False),  # * stays within one folder
        ("**/*.py", "sub/deep/a.py", True),
        ("sub", "sub/deep/a.py", True),  # a folder excludes what it holds
        ("/.env*", ".env.local", True),
        ("sub\n!sub/keep.py", "sub/keep.py", False),
        ("# *.py\n\n", "a.py", False),
    ],
)
def test_dockerignore_patterns(tmp_path: Path, patterns: str, path: str, excluded: bool) -> None:
    (tmp_path / ".dockerignore").write_text(patterns + "\n", encoding="utf-8")
    ignore = read_dockerignore(tmp_path, DOCKERFILE)
    assert (ignore.excluded_by(path) is not None) is excluded


def test_heredoc_file_and_run(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        # syntax=docker/dockerfile:1
        FROM python:3.12-slim
        RUN <<EOF
        pip install wandb
        EOF
        COPY <<EOF /app/settings.py
        PROJECT = "x"
        EOF
        COPY wandb_tester.py /app/
        """,
    )
    assert image.final.files[P("/app/settings.py")].content == 'PROJECT = "x"\n'
    assert image.installs_of("wandb") and paths(image) == ["/app/wandb_tester.py"]


def test_run_moves_copies_links_and_removes(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        FROM python:3.12-slim
        COPY wandb_tester.py /tmp/
        RUN mkdir -p /app && mv /tmp/wandb_tester.py /app/ \\
            && cp /app/wandb_tester.py /app/copy.py && rm -f /app/copy.py \\
            && ln -s /app/wandb_tester.py /usr/local/bin/tester
        """,
    )
    assert paths(image) == ["/app/wandb_tester.py", "/usr/local/bin/tester"]


# -- environment, ARG scope, user ----------------------------------------------------------


def test_env_both_syntaxes(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        FROM python:3.12-slim
        ENV A=1 B="two words" \\
            C=${MISSING:-fallback}
        ENV LEGACY value with spaces
        ENV D=$A-$B E=${A:+set}
        """,
    )
    env = image.final.environment()
    assert (env["A"], env["B"], env["C"]) == ("1", "two words", "fallback")
    assert env["LEGACY"] == "value with spaces"
    assert (env["D"], env["E"]) == ("1-two words", "set")


def test_arg_scope_per_stage(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        ARG DIR=/global
        FROM python:3.12-slim AS one
        WORKDIR ${DIR:-/unset}
        FROM python:3.12-slim
        ARG DIR
        ARG OWN=/own
        WORKDIR $DIR$OWN
        ENV OWN=/env
        RUN mkdir $OWN
        """,
    )
    assert image.stages[0].workdir == P("/unset")  # a global ARG needs declaring in a stage
    assert image.final.workdir == P("/global/own")
    assert "DIR" not in image.final.environment()  # ARGs do not reach the container
    assert image.final.is_dir(P("/env"))  # ENV wins over an ARG of the same name


def test_shell_form_expands_the_container_environment_only(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        FROM python:3.12-slim
        ARG APP=/app
        ENV WHERE=/srv
        COPY wandb_tester.py /srv/
        CMD python -u $WHERE/wandb_tester.py --dir "$APP"
        """,
    )
    launch = image.launch()
    assert launch.script == P("/srv/wandb_tester.py") and launch.args == ["--dir", ""]


def test_user_and_user_site(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        FROM python:3.12-slim
        RUN useradd --create-home app
        USER app
        RUN pip install --user wandb
        COPY wandb_tester.py /home/app/
        ENTRYPOINT ["python", "/home/app/wandb_tester.py"]
        """,
    )
    assert image.final.user == "app"
    assert image.importable("wandb", image.launch()).value is True
    image = model(
        tmp_path,
        """
        FROM python:3.12-slim
        RUN pip install --user wandb
        USER nobody
        COPY wandb_tester.py /srv/
        ENTRYPOINT ["python", "/srv/wandb_tester.py"]
        """,
    )
    assert image.importable("wandb", image.launch()).value is False  # root's ~/.local


# -- Pythons and packages ------------------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "pip install wandb",
        "pip3 install --no-cache-dir 'wandb[media]>=0.30'",
        "python -m pip install -U pip && python -m pip install wandb==0.31.0",
        "set -eux; bash -c 'pip install wandb'",
        "--mount=type=cache,target=/root/.cache/pip pip install wandb",
        "uv pip install --system wandb",
        'pip install "wandb @ https://example.org/wandb-0.31.0-py3-none-any.whl"',
    ],
)
def test_installs_into_the_base_python(tmp_path: Path, run: str) -> None:
    prefix = "COPY --from=ghcr.io/astral-sh/uv:0.8 /uv /bin/\n" if "uv " in run else ""
    image = model(
        tmp_path,
        f"FROM python:3.12-slim\n{prefix}RUN {run}\nCOPY wandb_tester.py .\n"
        'ENTRYPOINT ["python", "wandb_tester.py"]\n',
    )
    assert not image.build_errors(), errors(image)
    assert image.importable("wandb", image.launch()).value is True


def test_virtual_environments_by_path_activation_and_env(tmp_path: Path) -> None:
    for run, python in [
        ("python -m venv /opt/venv && /opt/venv/bin/pip install wandb", "/opt/venv/bin/python"),
        ("python -m venv /v && . /v/bin/activate && pip install wandb", "/v/bin/python"),
        ("uv venv /u && uv pip install --python /u wandb", "/u/bin/python"),
    ]:
        image = model(
            tmp_path,
            f"""
            FROM python:3.12-slim
            COPY --from=ghcr.io/astral-sh/uv:latest /uv /usr/local/bin/
            RUN {run}
            COPY wandb_tester.py .
            ENTRYPOINT ["{python}", "-u", "wandb_tester.py"]
            """,
        )
        launch = image.launch()
        assert launch.python is not None and str(launch.python.path) == python, run
        assert image.importable("wandb", launch).value is True, run
        system = model(tmp_path, f"FROM python:3.12-slim\nRUN {run}\nCOPY wandb_tester.py .\n"
                       'COPY --from=ghcr.io/astral-sh/uv:latest /uv /usr/local/bin/\n'
                       'ENTRYPOINT ["python", "wandb_tester.py"]\n')  # fmt: skip
        assert system.importable("wandb", system.launch()).value is False, run


def test_uv_pip_needs_a_target(tmp_path: Path) -> None:
    image = model(
        tmp_path, "FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim\nRUN uv pip install wandb\n"
    )
    assert "No virtual environment found" in errors(image)
    image = model(
        tmp_path,
        "FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim\n"
        "ENV UV_SYSTEM_PYTHON=1\nRUN uv pip install wandb\n",
    )
    assert not image.build_errors()
    image = model(tmp_path, "FROM python:3.12-slim\nRUN uv pip install --system wandb\n")
    assert "uv: no such program" in errors(image)


def test_uv_projects_need_what_they_read(tmp_path: Path) -> None:
    pyproject = '[project]\nname = "t"\nversion = "0"\ndependencies = ["wandb>=0.30"]\n'
    base = "FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim\nWORKDIR /app\n"
    image = model(tmp_path, base + "RUN uv sync\n")
    assert "uv sync: no pyproject.toml in /app or above" in errors(image)
    image = model(
        tmp_path,
        base + "COPY pyproject.toml .\nRUN uv sync --locked\n",
        **{"pyproject.toml": pyproject},
    )
    assert "uv sync --locked: no uv.lock" in errors(image)
    image = model(
        tmp_path,
        base + "COPY pyproject.toml uv.lock ./\nRUN uv sync --frozen --no-install-project\n"
        'ENV PATH="/app/.venv/bin:$PATH"\nCOPY wandb_tester.py .\n'
        'ENTRYPOINT ["python", "-u", "wandb_tester.py"]\n',
        **{"pyproject.toml": pyproject, "uv.lock": "version = 1\n"},
    )
    assert not image.build_errors()
    assert image.importable("wandb", image.launch()).value is True
    image = model(
        tmp_path,
        base + "RUN uv init --bare && uv add wandb\nCOPY wandb_tester.py .\n"
        'ENTRYPOINT ["uv", "run", "wandb_tester.py"]\n',
    )
    assert not image.build_errors(), errors(image)
    launch = image.launch()
    assert str(launch.python.path) == "/app/.venv/bin/python"
    assert image.importable("wandb", launch).value is True


def test_requirements_read_from_the_image(tmp_path: Path) -> None:
    files = {"requirements.txt": "-r base.txt\nnumpy  # arrays\n", "base.txt": "WandB==0.31\n"}
    image = model(
        tmp_path,
        "FROM python:3.12-slim\nCOPY *.txt /r/\nRUN pip install -r /r/requirements.txt\n",
        **files,
    )
    assert image.final.installs[0].packages == {"numpy", "wandb"}
    image = model(
        tmp_path,
        "FROM python:3.12-slim\nCOPY base.txt /r/\nRUN pip install -r /r/requirements.txt\n",
        **files,
    )
    assert "no requirements file /r/requirements.txt" in errors(image)
    image = model(
        tmp_path,
        "FROM python:3.12-slim\n"
        "RUN --mount=type=bind,source=base.txt,target=/tmp/r.txt pip install -r /tmp/r.txt\n",
        **files,
    )
    assert (
        image.final.installs[0].packages == {"wandb"} and P("/tmp/r.txt") not in image.final.files
    )


def test_distribution_pythons(tmp_path: Path) -> None:
    image = model(tmp_path, "FROM debian:bookworm-slim\nRUN apt-get install -y python3\n")
    assert "without `apt-get update`" in errors(image)
    image = model(
        tmp_path,
        "FROM debian:bookworm-slim\n"
        "RUN apt-get update && apt-get install -y python3 python3-pip && pip install wandb\n",
    )
    assert "externally managed (PEP 668)" in errors(image)
    image = model(
        tmp_path,
        """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y python3-pip python-is-python3
        RUN pip install wandb
        COPY wandb_tester.py /
        ENTRYPOINT ["python", "-u", "/wandb_tester.py"]
        """,
    )
    launch = image.launch()
    assert not image.build_errors() and launch.program_found is True
    assert image.importable("wandb", launch).value is True
    image = model(
        tmp_path,
        "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3\n"
        'ENTRYPOINT ["python"]\n',
    )
    assert image.launch().program_found is False
    image = model(tmp_path, 'FROM mycompany/python-ml:2024\nENTRYPOINT ["python"]\n')
    assert image.launch().program_found is None  # an image the model does not know


def test_prefix_install_copied_to_usr_local(tmp_path: Path) -> None:
    base = (
        "FROM python:{} AS deps\nRUN pip install --prefix=/install wandb\n"
        "FROM python:{}-slim\nCOPY --from=deps /install /usr/local\nCOPY wandb_tester.py .\n"
        'ENTRYPOINT ["python", "wandb_tester.py"]\n'
    )
    image = model(tmp_path, base.format("3.12", "3.12"))
    assert image.importable("wandb", image.launch()).value is True
    image = model(tmp_path, base.format("3.11", "3.12"))
    assert image.importable("wandb", image.launch()).value is False  # lib/python3.11


def test_final_stage_and_what_it_keeps(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        FROM python:3.12 AS build
        ENV PYTHONUNBUFFERED=1
        RUN pip install wandb
        COPY wandb_tester.py /app/
        FROM build AS test
        RUN echo tested
        FROM python:3.12-slim
        COPY wandb_tester.py /app/
        ENTRYPOINT ["python", "/app/wandb_tester.py"]
        """,
    )
    assert image.final.name is None and image.root_base() == "python:3.12-slim"
    assert image.launch().unbuffered().value is False
    assert not any(i.has("wandb") for i in image.final.installs)
    assert [s.label for s in image.needed()] == ["2"]  # BuildKit skips the others
    child = model(tmp_path, "FROM python:3.12 AS b\nENV X=1\nRUN pip install wandb\nFROM b\n")
    assert child.final.environment()["X"] == "1" and child.root_base() == "python:3.12"


# -- the command ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "argv", "script", "args"),
    [
        ('ENTRYPOINT ["python", "-u", "t.py"]', ["python", "-u", "t.py"], "/w/t.py", []),
        ('ENTRYPOINT ["python"]\nCMD ["t.py", "-x"]', ["python", "t.py", "-x"], "/w/t.py", ["-x"]),
        ('CMD ["t.py"]\nENTRYPOINT ["python"]', ["python", "t.py"], "/w/t.py", []),
        (
            'ENTRYPOINT python t.py\nCMD ["ignored"]',
            ["/bin/sh", "-c", "python t.py"],
            "/w/t.py",
            [],
        ),
        (
            'SHELL ["/bin/bash", "-c"]\nCMD cd /o && exec python3 t.py',
            ["/bin/bash", "-c", "cd /o && exec python3 t.py"],
            "/o/t.py",
            [],
        ),
        (
            'ENTRYPOINT ["env", "A=1", "python", "-W", "ignore", "t.py"]',
            ["env", "A=1", "python", "-W", "ignore", "t.py"],
            "/w/t.py",
            [],
        ),
    ],
)
def test_entrypoint_and_cmd(tmp_path: Path, lines: str, argv: list[str], script: str, args) -> None:
    image = model(tmp_path, f"FROM python:3.12-slim\nWORKDIR /w\n{lines}\n")
    launch = image.launch()
    assert launch.argv == argv
    assert str(launch.script) == script and launch.args == args


def test_entrypoint_resets_the_inherited_cmd(tmp_path: Path) -> None:
    image = model(tmp_path, 'FROM python:3.12-slim\nENTRYPOINT ["python", "-u", "t.py"]\n')
    assert image.launch().args == []  # not python3, the base image's CMD
    image = model(
        tmp_path,
        'FROM python:3.12-slim AS a\nCMD ["--n", "1"]\nFROM a\nENTRYPOINT ["python", "t.py"]\n',
    )
    assert image.launch().args == []
    image = model(
        tmp_path, 'FROM python:3.12-slim\nCMD ["--n", "1"]\nENTRYPOINT ["python", "t.py"]\n'
    )
    assert image.launch().args == ["--n", "1"]


def test_python_options_module_and_unbuffered(tmp_path: Path) -> None:
    def launch(lines: str):
        return model(
            tmp_path, f"FROM python:3.12-slim\nWORKDIR /w\nCOPY wandb_tester.py .\n{lines}\n"
        ).launch()

    assert launch('ENTRYPOINT ["python", "-uB", "wandb_tester.py"]').unbuffered().value is True
    assert launch('ENTRYPOINT ["python", "wandb_tester.py", "-u"]').unbuffered().value is False
    assert (
        launch('ENV PYTHONUNBUFFERED=0\nENTRYPOINT ["python", "wandb_tester.py"]')
        .unbuffered()
        .value
        is True
    )
    assert (
        launch('ENV PYTHONUNBUFFERED=\nENTRYPOINT ["python", "wandb_tester.py"]').unbuffered().value
        is False
    )
    assert (
        launch('ENV PYTHONUNBUFFERED=1\nENTRYPOINT ["python", "-I", "wandb_tester.py"]')
        .unbuffered()
        .value
        is False
    )
    module = launch('ENTRYPOINT ["python", "-u", "-m", "wandb_tester"]')
    assert module.module == "wandb_tester" and module.script_file is not None


def test_shebang_scripts(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        FROM python:3.12-slim
        RUN pip install wandb
        COPY --chmod=755 wandb_tester.py /usr/local/bin/tester
        ENTRYPOINT ["tester"]
        """,
        **{TESTER: "#!/usr/bin/env -S python3 -u\nimport wandb\n"},
    )
    launch = image.launch()
    assert launch.via == "script" and str(launch.python.path) == "/usr/local/bin/python3"
    assert launch.unbuffered().value is True and launch.cannot_start is None
    assert image.importable("wandb", launch).value is True
    plain = model(
        tmp_path,
        'FROM python:3.12-slim\nCOPY wandb_tester.py /w/\nENTRYPOINT ["/w/wandb_tester.py"]\n',
    )
    assert "exec format error" in plain.launch().cannot_start


def test_venv_copied_next_to_another_python(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        FROM python:3.11 AS b
        RUN python -m venv /venv && /venv/bin/pip install wandb
        FROM python:3.12-slim
        COPY --from=b /venv /venv
        ENTRYPOINT ["/venv/bin/python", "t.py"]
        """,
    )
    assert "made with Python 3.11" in image.launch().python_broken


def test_shell_scripts_are_split_where_the_shell_splits_them() -> None:
    pieces, joiners, complex_ = split_script("a 'b && c' && d; e | f # g && h\ni")
    assert pieces == ["a 'b && c' ", " d", " e ", " f ", "i"]
    assert joiners == ["", "&&", ";", "|", ";"] and not complex_
    assert split_script("x $(y) z")[2]
    assert expand("\"a $B\" '$C' \\$D ${E:-e}", {"B": "b"}) == "a b $C $D e"


# -- the runs: the image's paths in the sandbox --------------------------------------------


def test_plan_runs_the_tester_where_the_command_finds_it(tmp_path: Path) -> None:
    image = model(
        tmp_path,
        """
        FROM python:3.12-slim
        ENV WANDB_PROJECT=p PATH=/x:$PATH WANDB_MODE=offline
        COPY wandb_tester.py /opt/tester/
        WORKDIR /app
        COPY --chmod=644 . .
        ENTRYPOINT ["python", "-u", "/opt/tester/wandb_tester.py"]
        CMD ["--steps", "100"]
        """,
        **{"data/config.json": "{}"},
    )
    plan = plan_run(image, image.launch())
    assert plan.as_image and plan.script == P("/opt/tester/wandb_tester.py")
    assert plan.cwd == P("/app") and plan.args == ["--steps", "100"]
    assert (TESTER, P("/app/wandb_tester.py")) in plan.files
    assert ("data/config.json", P("/app/data/config.json")) in plan.files
    assert (
        plan.env["WANDB_PROJECT"] == "p" and "PATH" not in plan.env and "WANDB_MODE" not in plan.env
    )
    stray = model(
        tmp_path,
        'FROM python:3.12-slim\nCOPY wandb_tester.py /opt/\nENTRYPOINT ["python", "/app/t.py"]\n',
    )
    plan = plan_run(stray, stray.launch())
    assert not plan.as_image and plan.script == P("/opt/wandb_tester.py")


def test_runs_in_the_sandbox_from_the_working_directory(tmp_path: Path) -> None:
    tester = (
        "import os, pathlib, sys\n"
        "print(os.getcwd(), pathlib.Path('data.txt').read_text(), sys.argv[1:])\n"
        "print(os.environ.get('GREETING'), 'WANDB_API_KEY' in os.environ)\n"
    )
    image = model(
        tmp_path,
        """
        FROM python:3.12-slim
        ENV GREETING=hello
        COPY wandb_tester.py /opt/t/
        COPY data.txt /app/
        WORKDIR /app
        ENTRYPOINT ["python", "-u", "/opt/t/wandb_tester.py", "--flag"]
        """,
        **{TESTER: tester, "data.txt": "from-image"},
    )
    with Sandbox(tmp_path, Limits(time_s=30)) as sandbox:
        runs, plan = image_runs(sandbox, image, image.launch())
    assert plan is not None and plan.as_image
    key, keyless = runs["key"].result, runs["no key"].result
    assert key.ok, key.stderr
    assert key.stdout.splitlines() == ["/app from-image ['--flag']", "hello True"]
    assert keyless.stdout.splitlines()[1] == "hello False"


# -- the model against a Docker engine -----------------------------------------------------


def _engine_verdict(folder: Path, tmp_path: Path) -> tuple[bool, str]:
    tag = image_tag("grader-model-check")
    build = build_image(folder, tmp_path / "scratch", DOCKERFILE, tag)
    if not build.ok:
        return False, "build failed: " + build.stderr[-800:]
    try:
        key = uuid.uuid4().hex + uuid.uuid4().hex[:8]
        with FakeWandb(api_key=key) as server:
            run = run_image(tag, {"WANDB_API_KEY": key, "WANDB_BASE_URL": server.base_url})
            counts = [
                sum("test_metric" in r for r in rec.history) for rec in server.store.runs.values()
            ]
        values = max(counts, default=0)
        return (
            run.ok and values >= 100,
            f"exit {run.exit_code}, {values} values: {run.stderr[-800:]}",
        )
    finally:
        remove_image(tag)


@pytest.mark.slow
@pytest.mark.skipif(not engine_available(), reason="no Docker engine (docker info failed)")
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.parent.name)
def test_model_agrees_with_the_engine(case: Path, tmp_path: Path) -> None:
    """The model's verdict (the image builds, its command runs the copied tester, which
    imports wandb and, run here as the image runs it, logs the 100 values) is the engine's."""
    folder = tmp_path / "context"
    shutil.copytree(case.parent, folder, ignore=shutil.ignore_patterns("case.toml"))
    image = model_image(read_dockerfile(folder / DOCKERFILE), folder, DOCKERFILE)
    for instruction in image.dockerfile.all("COPY", "ADD"):  # a student's git-ignored .env
        for name in SECRET_FILES:
            if name in instruction.value.split() and not (folder / name).exists():
                (folder / name).write_text("WANDB_API_KEY=your-api-key-here\n", encoding="utf-8")
    launch = image.launch()
    problems = container_problems(image, launch)
    if problems is None:
        pytest.skip("the model cannot tell for this Dockerfile")
    with Sandbox(folder, Limits(time_s=60, memory_mb=4096)) as sandbox:
        runs, _ = image_runs(sandbox, image, launch)
        run = runs["key"]
        counts = [
            sum("test_metric" in r for r in rec.history) for rec in run.server.store.runs.values()
        ]
        tester_ok = run.result.ok and max(counts, default=0) >= 100
    predicted = not problems and tester_ok
    engine, detail = _engine_verdict(folder, tmp_path)
    spec = tomllib.loads(case.read_text(encoding="utf-8"))
    assert predicted == engine, (spec["description"], problems, detail)
