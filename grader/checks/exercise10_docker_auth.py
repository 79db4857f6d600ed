"""Exercise 10: a Dockerfile for wandb_tester.py, and a tester that authenticates from the
environment only.

The grader judges the image the Dockerfile would build, not its lines one by one: the reader
``docker_image`` follows the instructions (stages, WORKDIR, what COPY/ADD put where, ENV and
ARG, the Pythons and what is installed into which) and resolves the command the container
runs. The Dockerfile checks judge that model, each failure naming the instructions that made
the difference; the tester is then run the way that command runs it (from its working
directory, with the image's environment, its arguments, the key only in the environment,
no terminal, stdin closed) against the fake W&B server, once with the key and once without.
The model can only disprove: what it cannot follow (an unknown base image, an intricate shell
script) is not held against the student. Building and running the image needs a Docker
engine: without one that check is reported as skipped, never as passed.

Each flaw costs its own check: a Dockerfile that cannot run its tester loses the Dockerfile
checks, while the tester's own checks still run the tester (as close to the image's way as
the Dockerfile allows: where the command does not reach it, from where the image holds it).
"""

from __future__ import annotations

import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest

from grader.checks.online_checks import require_no_secret_in_files
from grader.fakewandb import FakeWandb, Store
from grader.judge.failure import fail
from grader.readers.docker_image import (
    ROOT,
    DockerImage,
    Launch,
    Stage,
    expand,
    model_image,
    words_of,
)
from grader.readers.dockerfile import (
    Dockerfile,
    IgnoreRule,
    Instruction,
    exec_form,
    hadolint,
    read_dockerfile,
)
from grader.readers.secrets import SECRET_FILES, redact
from grader.running import OnlineRun, run_online
from grader.sandbox.docker_engine import (
    build_image,
    engine_available,
    image_tag,
    remove_image,
    run_image,
)

DOCKERFILE, TESTER = "wandb.docker", "wandb_tester.py"
VALUES = 100
FAST_S = 10.0  # "quickly": wandb itself gives up on a missing key in about 1.3 s
# The image's variables a run here does not take: the sandbox's own (paths, W&B's folders,
# the key and the server, which the run sets) and those naming the image's filesystem.
_NOT_TAKEN = {"PATH", "HOME", "HOSTNAME", "PWD", "OLDPWD", "USER", "SHELL", "TERM", "TMPDIR",
              "TMP", "TEMP", "PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV", "LD_LIBRARY_PATH",
              "LD_PRELOAD", "WANDB_API_KEY", "WANDB_BASE_URL", "WANDB_MODE", "WANDB_DIR",
              "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR", "WANDB_DATA_DIR", "WANDB_ARTIFACT_DIR",
              "WANDB_DISABLE_GIT", "WANDB_DISABLE_CODE", "WANDB_X_SAVE_REQUIREMENTS",
              "WANDB_DISABLED"}  # fmt: skip
_OFFLINE = ("offline", "dryrun", "disabled")
# Context folders a run here does without (as the sandbox does for every run), and a cap on
# the files laid out (the sandbox copies at most 20 000 entries in and out of a run).
_NOT_LAID_OUT = {"__pycache__", ".git", "wandb", "outputs", ".venv", "venv", "node_modules"}
_MAX_FILES = 2000


@pytest.fixture(scope="module")
def dockerfile(exercise_dir: Path) -> Dockerfile:
    try:
        return read_dockerfile(exercise_dir / DOCKERFILE)
    except Exception as error:  # dockerfile-parse rejects what Docker would reject
        fail(f"{DOCKERFILE} readable as a Dockerfile", f"{type(error).__name__}: {error}")


@pytest.fixture(scope="module")
def maybe_image(exercise_dir: Path) -> DockerImage | None:
    """The model, or None when the Dockerfile cannot be read (the Dockerfile checks say so;
    the tester's checks then run the tester as a student would by hand)."""
    try:
        model = model_image(read_dockerfile(exercise_dir / DOCKERFILE), exercise_dir, DOCKERFILE)
    except Exception:
        return None
    return model if model.stages else None


@pytest.fixture(scope="module")
def image(dockerfile: Dockerfile, maybe_image: DockerImage | None) -> DockerImage:
    if maybe_image is None:
        fail(f"{DOCKERFILE}: a FROM instruction", "no FROM: there is no image to build")
    return maybe_image


@pytest.fixture(scope="module")
def launch(image: DockerImage) -> Launch:
    return image.launch()


@dataclass
class ImageRun:
    """How a run here stands in for ``docker run``: the image's files laid out in a folder of
    the sandbox, its working directory, its environment and the command's arguments."""

    script: PurePosixPath  # in the image
    cwd: PurePosixPath
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, PurePosixPath]] = field(default_factory=list)  # context -> image
    written: list[tuple[str, PurePosixPath]] = field(default_factory=list)  # heredocs
    folders: list[PurePosixPath] = field(default_factory=list)
    as_image: bool = True  # False: the command does not reach the tester; a stand-in run
    command: str = ""  # the container's command, as resolved
    source: str = ""  # " (line 5: ENTRYPOINT)", the instruction that names the command

    def shown(self) -> str:
        command = " ".join(["python", str(self.script), *self.args])
        if self.as_image:
            return (
                f"run as the image runs it{self.source}: `{self.command or command}` in "
                f"{self.cwd}, with the image's ENV and the key given at run time"
            )
        return (
            f"the image's command does not reach {TESTER} (see the ENTRYPOINT check), so it "
            f"was run as `{command}` in {self.cwd}, with the image's ENV"
        )


def plan_run(image: DockerImage, launch: Launch) -> ImageRun:
    """The run that stands in for the container: the tester where the command finds it (or,
    when it does not, where the image holds it), from the command's working directory."""
    final = image.final
    testers = [f for f in final.files.values() if f.source == TESTER and not f.temporary]
    found = launch.script_file
    if found is not None and found.source == TESTER:
        script, as_image = found.path, True
    elif testers:
        script, as_image = testers[0].path, False
    else:
        script, as_image = launch.cwd / TESTER, False
    plan = ImageRun(script, launch.cwd, list(launch.args) if launch.script else [])
    plan.as_image, plan.command = as_image, launch.command_text()
    if launch.source is not None and not launch.source.from_base:
        plan.source = f" (line {launch.source.instruction.line}: {launch.source.instruction.name})"
    for entry in final.files.values():
        skipped = set(PurePosixPath(entry.source or "").parts) & _NOT_LAID_OUT
        if entry.temporary or skipped or len(plan.files) >= _MAX_FILES:
            continue
        if entry.source and entry.source in image.context.files:
            plan.files.append((entry.source, entry.path))
        elif entry.content is not None:
            plan.written.append((entry.content, entry.path))
    if (
        not any(path == script for _, path in plan.files)
        and (image.context.root / TESTER).is_file()
    ):
        plan.files.append((TESTER, script))  # a stand-in: as if the image held it there
    plan.folders = [path for path, made in final.dirs.items() if made is not None]
    plan.env = {k: v for k, v in launch.env.items() if k not in _NOT_TAKEN and "GRADER" not in k}
    if launch.env.get("PYTHONPATH"):
        plan.env["PYTHONPATH"] = launch.env["PYTHONPATH"]
    return plan


@dataclass
class Layout:
    """The image's files in the sandbox: the working directory's tree in ``here``, the rest
    of the image's tree in ``rest`` (two folders, never one inside the other)."""

    here: Path
    rest: Path | None
    cwd: PurePosixPath

    def inside(self, path: PurePosixPath) -> Path:
        if path == self.cwd or self.cwd == ROOT or path.is_relative_to(self.cwd):
            return self.here.joinpath(*path.relative_to(self.cwd).parts)
        assert self.rest is not None
        return self.rest.joinpath(*path.parts[1:])

    def shown(self, text: str) -> str:
        """Output with the sandbox's folders read as the image's paths."""
        if self.rest is not None:
            text = text.replace(str(self.rest), "")
        return text.replace(str(self.here), "" if self.cwd == ROOT else str(self.cwd))


def lay_out(plan: ImageRun, context: Path, here: Path, rest: Path | None) -> Layout:
    """Copy the image's files from the build ``context`` into the sandbox's folders."""
    layout = Layout(here, rest if plan.cwd != ROOT else None, plan.cwd)
    for folder in (*plan.folders, plan.cwd):
        if folder == ROOT or (layout.rest is None and not folder.is_relative_to(plan.cwd)):
            continue
        layout.inside(folder).mkdir(parents=True, exist_ok=True)
    for source, path in plan.files:
        target = layout.inside(path)
        if not target.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(context / source, target)
    for content, path in plan.written:
        target = layout.inside(path)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
    return layout


Runs = tuple[dict[str, OnlineRun], "ImageRun | None"]


def image_runs(sandbox, image: DockerImage | None, launch: Launch | None) -> Runs:
    """The tester's two runs (with and without the key), as the image would run it."""
    plan = None
    if image is not None and launch is not None:
        try:
            plan = plan_run(image, launch)
        except Exception:  # the model's limit: run the tester as a student would by hand
            plan = None

    def one(with_key: bool) -> OnlineRun:
        if plan is None:
            return run_online(sandbox, TESTER, [], with_key=with_key)
        name = "image-key" if with_key else "image-nokey"
        here = sandbox.scratch(name)
        rest = sandbox.scratch(name + "-root") if plan.cwd != ROOT else None
        layout = lay_out(plan, sandbox.source, here, rest)
        env = dict(plan.env)
        if "PYTHONPATH" in env:  # the image's absolute folders, as laid out here
            env["PYTHONPATH"] = ":".join(
                str(layout.inside(PurePosixPath(p))) if p.startswith("/") else p
                for p in env["PYTHONPATH"].split(":")
            )
        target = layout.inside(plan.script)
        if target.is_relative_to(here):  # the script is below the working directory
            script, options = str(target.relative_to(here)), {"workdir": here}
            if layout.rest is not None:
                options["writable"] = [layout.rest]
        else:
            assert layout.rest is not None
            script = str(target.relative_to(layout.rest))
            options = {"workdir": layout.rest, "cwd": here}
        run = run_online(sandbox, script, plan.args, with_key=with_key, env=env, **options)
        for stream in ("stdout", "stderr"):
            setattr(run.result, stream, layout.shown(getattr(run.result, stream)))
        if run.trace.exception:
            run.trace.exception["text"] = layout.shown(run.trace.exception["text"])
        return run

    with ThreadPoolExecutor(2) as pool:
        futures = {"key": pool.submit(one, True), "no key": pool.submit(one, False)}
    return {name: future.result() for name, future in futures.items()}, plan


@pytest.fixture(scope="module")
def tester_runs(sandbox, maybe_image: DockerImage | None) -> Runs:
    launch_ = None
    if maybe_image is not None:
        try:
            launch_ = maybe_image.launch()
        except Exception:  # the model's limit: run the tester as a student would by hand
            launch_ = None
    return image_runs(sandbox, maybe_image if launch_ else None, launch_)


@pytest.fixture(scope="module")
def runs(tester_runs) -> dict[str, OnlineRun]:
    return tester_runs[0]


def _advice(exercise_dir: Path, codes: tuple[str, ...] = ()) -> str:
    findings = hadolint(exercise_dir / DOCKERFILE) or []
    chosen = [f for f in findings if not codes or any(code in f for code in codes)]
    return ("hadolint: " + "; ".join(chosen[:3])) if chosen else ""


# ------------------------------------------------------------------------------------------
# The Dockerfile


def check_dockerfile_basics(image: DockerImage) -> None:
    problems = []
    base = image.root_base()
    if "python" not in base.lower():
        problems.append(f"base image {base or '(no FROM)'} is not a Python image")
    problems += _wandb_problems(image)
    problems += _tester_problems(image)
    errors = list(dict.fromkeys(str(note) for note in image.build_errors()))
    if errors:
        problems.append("the image would not build: " + "; ".join(errors))
    if problems:
        fail(
            f"{DOCKERFILE}: a Python base image, wandb installed, {TESTER} copied in",
            "; ".join(dict.fromkeys(problems)),
        )


def _wandb_problems(image: DockerImage) -> list[str]:
    final = image.final
    if any(install.has("wandb") is not False for install in final.installs):
        return []
    elsewhere = [(s, i) for s, i in image.installs_of("wandb") if s is not final]
    if elsewhere:
        stage, install = elsewhere[0]
        return [
            f"{install.shown()} in {stage.shown()}, but the final stage ({_from(final)}) "
            "copies none of it: the image has no wandb"
        ]
    others = sorted({p for i in final.installs if i.packages for p in i.packages})
    detail = f" (installed: {', '.join(others[:6])})" if others else ""
    return ["no RUN instruction installs wandb" + detail]


def _tester_problems(image: DockerImage) -> list[str]:
    final = image.final
    if any(f.source == TESTER and not f.temporary for f in final.files.values()):
        return []
    state = image.context_state(TESTER)
    if isinstance(state, IgnoreRule):
        return [
            f"{image.context.ignore.file} line {state.line} ({state.pattern}) keeps {TESTER} out "
            f"of the build context, so no COPY/ADD can bring it into the image"
        ]
    removed = [(e, by) for e, by in final.removed if e.source == TESTER]
    if removed:
        entry, by = removed[-1]
        return [f"{entry.shown()}, but line {by.line} (RUN) removes it: the image has no {TESTER}"]
    elsewhere = [(s, f) for s, f in image.copies_of(TESTER) if s is not final]
    if elsewhere:
        stage, entry = elsewhere[0]
        return [
            f"{entry.shown()} in {stage.shown()}, but the final stage ({_from(final)}) does "
            f"not copy it: the image has no {TESTER}"
        ]
    return [f"no COPY/ADD brings {TESTER} into the image"]


def _from(stage: Stage) -> str:
    return f"line {stage.instruction.line}: FROM {stage.instruction.arguments()}"


def check_exec_form_entrypoint(image: DockerImage, launch: Launch, exercise_dir: Path) -> None:
    expected = (
        f'an exec-form ENTRYPOINT running {TESTER} unbuffered, e.g. ["python", "-u", "{TESTER}"]'
    )
    entry = launch.entrypoint
    if entry is None:
        seen = "no ENTRYPOINT"
        cmd = launch.cmd
        if cmd is not None and not cmd.from_base:
            runs = f"line {cmd.instruction.line}: CMD {cmd.instruction.value}"
            seen += f" ({runs} runs it, and any argument given to `docker run` replaces a CMD)"
            problem = _command_problem(image, launch, runs, shell_rule=False)
            if problem:
                seen += "; besides, " + problem
        fail(expected, seen, _advice(exercise_dir))
    where = f"line {entry.instruction.line}: ENTRYPOINT {entry.instruction.value}"
    if not entry.exec_form:
        seen = f"{where} (shell form)"
        problem = _command_problem(image, launch, where, shell_rule=False)
        if problem:
            seen += "; besides, " + problem
        fail(
            expected,
            seen,
            "in shell form the program runs under /bin/sh -c, so `docker stop` signals never "
            "reach Python. " + _advice(exercise_dir, ("DL3025",)),
        )
    problem = _command_problem(image, launch, where)
    if problem:
        fail(expected, problem)
    unbuffered = launch.unbuffered()
    if unbuffered.value is False:
        elsewhere = [
            f"line {i.line} sets PYTHONUNBUFFERED in another stage, which the final stage "
            "does not inherit"
            for i, value in image.assignments("PYTHONUNBUFFERED")
            if value and i not in image.final.instructions and i not in _chain(image.final)
        ]
        seen = f"{where}: Python's output stays buffered"
        if launch.ignores_environment() and launch.env.get("PYTHONUNBUFFERED"):
            seen += " (-E/-I makes Python ignore PYTHONUNBUFFERED)"
        fail(
            expected,
            "; ".join([seen, *elsewhere[:1]]),
            "without -u (or ENV PYTHONUNBUFFERED=1), `docker logs` shows the output late or never",
        )


def _chain(stage: Stage) -> list:
    found = []
    while stage is not None:
        found += stage.instructions
        stage = stage.parent
    return found


def _command_problem(
    image: DockerImage, launch: Launch, where: str, shell_rule: bool = True
) -> str | None:
    """What keeps the resolved command from running the copied tester with wandb, if the
    model can tell; None when it runs it, or when the model cannot disprove it does."""
    final = image.final
    if shell_rule and launch.shell_script is not None and not launch.shell_exec:
        return (
            f"{where} runs a shell ({launch.shell_program}), which then runs the program: the "
            "shell is PID 1 and gets `docker stop`'s signal (list the program's words in the "
            "JSON list, or start the shell's command with exec)"
        )
    for word in launch.missing_wrappers:
        return f"{where} runs {word}: no such program in the image"
    if launch.program_found is False and launch.program_word:
        pythons = sorted(str(p.path) for p in final.programs.values() if p.kind == "python")
        has = f"; its Pythons: {', '.join(pythons)}" if pythons else "; it has no Python"
        path = launch.env.get("PATH", "")
        return (
            f"{where} runs {launch.program_word}: no such program in the image (PATH={path}{has})"
        )
    if launch.cannot_start:
        return f"{where}: {launch.cannot_start}"
    if launch.python_broken:
        return (
            f"{where} runs {launch.python.path if launch.python else 'python'}: "
            + launch.python_broken
        )
    testers = [f for f in final.files.values() if f.source == TESTER and not f.temporary]
    held = (
        "; ".join(f.shown() for f in testers) or f"no COPY/ADD brings {TESTER} into the final stage"
    )
    if launch.script is not None:
        entry = launch.script_file
        relative = launch.script_word is not None and not launch.script_word.startswith("/")
        if launch.module:
            runs = f"{where} runs the module {launch.module}, {launch.script}"
        else:
            runs = f"{where} runs {launch.script}"
        if relative or launch.module:
            workdir = final.workdir_by
            made = f" (WORKDIR, line {workdir.line})" if workdir is not None else ""
            runs += f" from the working directory {launch.cwd}" + (
                made if launch.cwd == final.workdir else ""
            )
        if entry is None:
            if not final.knows_absent(launch.script):
                return None
            return f"{runs}: not in the image; {held}"
        if entry.source != TESTER:
            if entry.source is None and entry.content is None:
                return None  # a file the model cannot see into
            return f"{runs}, which is {entry.shown()}, not {TESTER}"
    elif launch.code is not None:
        if TESTER.removesuffix(".py") not in launch.code:
            return f"{where} runs python -c {launch.code!r}, not {TESTER}"
    else:
        names = {TESTER, *(f.path.name for f in testers)}
        words = " ".join(launch.argv)
        if not any(name in words for name in names):
            return f"{where} does not run {TESTER}"
        return None
    importable = image.importable("wandb", launch)
    has_wandb = any(install.has("wandb") for install in final.installs)
    if importable.value is False and has_wandb and launch.python is not None:
        installed = "; ".join(i.shown() for i in final.installs if i.has("wandb"))
        installed += _path_elsewhere(image, [i for i in final.installs if i.has("wandb")])
        path_by = final.env.get("PATH", ("", None))[1]
        found = (
            f"PATH from line {path_by.line} finds it"
            if path_by is not None and "/" not in (launch.program_word or "")
            else ""
        )
        env = launch.python.env.shown() if launch.python.env else "a Python"
        return (
            f"{where} runs {launch.python.path} ({env}{'; ' + found if found else ''}), "
            f"which cannot import wandb: {installed}"
        )
    return None


def container_problems(image: DockerImage, launch: Launch) -> list[str] | None:
    """What, by the model, keeps ``docker run -e WANDB_API_KEY=... IMAGE`` from running the
    tester with wandb (the course's own rules aside: a Python base image, the exec form, -u);
    None when the model cannot tell. The engine's verdict is compared with it."""
    problems = [str(note) for note in image.build_errors()]
    problems += _wandb_problems(image) + _tester_problems(image)
    where = f"line {launch.source.instruction.line}" if launch.source else "the image"
    problem = _command_problem(image, launch, where, shell_rule=False)
    problems += [problem] if problem else []
    offline = _offline_setting(image)
    problems += [offline] if offline else []
    if problems:
        return problems
    unknown = (
        image.unsure()
        or launch.unresolved
        or launch.script_file is None
        or image.importable("wandb", launch).value is None
    )
    return None if unknown else []


def _path_elsewhere(image: DockerImage, installs) -> str:
    """A note on ENV PATH lines of other stages that reach the environments of ``installs``
    (ENV does not carry over to a stage that only copies from another)."""
    chain = _chain(image.final)
    folders = {str(i.env.location) + "/bin" for i in installs if i.env is not None}
    for instruction, value in image.assignments("PATH"):
        if instruction not in chain and value and any(f in value for f in folders):
            return (
                f" (line {instruction.line} puts {', '.join(sorted(folders))} on PATH in another "
                "stage only: ENV does not carry over to the final stage)"
            )
    return ""


def check_no_secret_in_image(image: DockerImage, sandbox) -> None:
    problems = [
        f"line {instruction.line}: {instruction.name} gives WANDB_API_KEY a value"
        for instruction, value in image.assignments("WANDB_API_KEY")
        if value
    ]
    for stage in image.stages:
        for instruction in stage.instructions:
            if instruction.name not in ("COPY", "ADD") or instruction.flag("from"):
                continue
            where = f"line {instruction.line}: {instruction.name}"
            variables = stage.variables()
            words = _copy_words(instruction, variables)
            copied = {
                PurePosixPath(f.source).name
                for f in stage.files.values()
                if f.instruction == instruction and f.source
            }
            for source in words[:-1]:
                if PurePosixPath(source).name in SECRET_FILES:
                    problems.append(f"{where} copies {source}")
                elif exposed := sorted(copied & set(SECRET_FILES)):
                    problems.append(f"{where} {source} copies {', '.join(exposed)}")
    for run in image.dockerfile.all("RUN"):
        text = run.value + "".join(body for _, body in run.heredocs)
        if "wandb login" in text or ".netrc" in text or "WANDB_API_KEY" in text:
            problems.append(
                f"line {run.line}: RUN uses the key at build time ({run.value[:60]}); "
                "what it writes stays in a layer"
            )
    if problems:
        fail(
            "no secret baked into the image",
            "; ".join(dict.fromkeys(problems)),
            "anyone who pulls the image can read it (docker history, docker inspect): pass the "
            "key when the container starts, `docker run -e WANDB_API_KEY=...`",
        )
    require_no_secret_in_files(sandbox)


def _copy_words(instruction: Instruction, variables: dict[str, str]) -> list[str]:
    rest = instruction.arguments()
    listed = exec_form(rest)
    if listed is not None:
        return [expand(word, variables) for word in listed]
    return words_of(rest, variables)


# ------------------------------------------------------------------------------------------
# The tester, run as the image runs it


def _metric_values(store: Store) -> int:
    """The most values of test_metric one run sent to the fake server."""
    counts = [sum("test_metric" in row for row in record.history) for record in store.runs.values()]
    return max(counts, default=0)


def _how(tester_runs) -> str:
    plan = tester_runs[1]
    return ("\n(" + plan.shown() + ")") if plan is not None else ""


def check_logs_100_values(runs: dict[str, OnlineRun], tester_runs, maybe_image) -> None:
    run = runs["key"]
    values = _metric_values(run.server.store)
    expected = (
        f"{VALUES} values of test_metric reaching W&B with the key from WANDB_API_KEY "
        "(no terminal, stdin closed), and exit code 0"
    )
    if values < VALUES or not run.result.ok:
        seen = f"the fake W&B server received {values} values of test_metric"
        if run.used_other_keys():
            seen += "; it refused a key other than the one in WANDB_API_KEY"
        if not run.result.ok:
            seen += "\n" + run.crash_report()
        fail(expected, seen + _how(tester_runs))
    offline = _offline_setting(maybe_image)
    if offline:
        fail(
            expected,
            f"{offline}: started as `docker run -e WANDB_API_KEY=... IMAGE`, the container "
            "logs nothing to W&B (the grader's run here forced WANDB_MODE=online)",
            "leave WANDB_MODE out of the image (or set it to online)",
        )


def _offline_setting(model: DockerImage | None) -> str | None:
    """The final stage's ENV that keeps W&B from sending anything (``docker run -e`` gives
    only the key, so it stays in force)."""
    if model is None:
        return None
    env = model.final.env
    mode, by = env.get("WANDB_MODE", ("", None))
    if mode.lower() in _OFFLINE and by is not None:
        return f"line {by.line}: ENV WANDB_MODE={mode}"
    disabled, by = env.get("WANDB_DISABLED", ("", None))
    if disabled.lower() in ("true", "1", "yes") and by is not None:
        return f"line {by.line}: ENV WANDB_DISABLED={disabled}"
    return None


def check_fails_fast_without_key(runs: dict[str, OnlineRun], tester_runs) -> None:
    run = runs["no key"]
    result = run.result
    expected = (
        f"without WANDB_API_KEY: a non-zero exit within {FAST_S:g} s, with a message about "
        "the missing key"
    )
    if run.trace.prompts:
        prompt = run.trace.prompts[0]
        fail(
            expected,
            f"the tester asked for input with {prompt['function']}({prompt['prompt']!r})",
            "a container has no terminal: nobody can answer, so read the key from the environment",
        )
    if result.timed_out or result.duration > FAST_S:
        fail(expected, f"it ran for {result.duration:.1f} s ({result.status()})")
    if result.ok:
        fail(expected, "it exited with code 0, as if all went well")
    if run.used_other_keys():
        fail(
            expected,
            "without WANDB_API_KEY the tester still sent a key of its own to W&B",
            "a key in the code (or a .netrc) is used when the variable is missing",
        )
    output = (result.stdout + result.stderr).lower()
    if "api key" not in output and "api_key" not in output:
        fail(
            expected,
            "exit code "
            + str(result.exit_code)
            + "; no message mentions the key\n"
            + run.crash_report()
            + _how(tester_runs),
        )


# ------------------------------------------------------------------------------------------
# The real image, where an engine exists


def check_docker_image(exercise_dir: Path, sandbox) -> None:
    if not engine_available():
        pytest.skip("no Docker engine (docker info failed); the image was not built")
    tag = image_tag("grader-exercise10")
    build = build_image(exercise_dir, sandbox.scratch("docker-context"), DOCKERFILE, tag)
    if not build.ok:
        fail("`docker build -f wandb.docker .` to succeed", build.stderr[-1500:])
    try:
        key = uuid.uuid4().hex + uuid.uuid4().hex[:8]
        with FakeWandb(api_key=key) as server:
            run = run_image(tag, {"WANDB_API_KEY": key, "WANDB_BASE_URL": server.base_url})
            values = _metric_values(server.store)
        if not run.ok or values < VALUES:
            fail(
                f"the container to log {VALUES} values and exit 0",
                f"exit code {run.exit_code}, {values} values received\n"
                + redact(run.stderr[-1500:], key),
            )
    finally:
        remove_image(tag)
