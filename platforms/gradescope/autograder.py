"""Gradescope's side of the grader: lay the upload out, grade it, always leave a results.json.

``run_autograder`` runs ``python autograder.py run``. It reads the bundle's ``assignment.json``
(the assignment's exercises, written by ``build.py``), copies what the student uploaded
(``/autograder/submission``) into a fresh folder laid out like ``exercises/``, runs
``python -m grader EXERCISES --submission COPY --json FILE`` with the course interpreter, checks
what the grader wrote and puts it at ``/autograder/results/results.json``. Whatever goes wrong
(nothing recognisable uploaded, the grader crashing, running out of time, writing no or an
invalid results file), a valid results.json says so in words a student understands, with
score 0; the reason and any traceback go to standard output, which Gradescope keeps in
``/autograder/results/stdout`` and shows to instructors only.

``python autograder.py packages`` prints the course's ``[environment]`` packages, one a line,
for ``setup.sh``.

Standard library only, and it runs on Ubuntu 22.04's own Python 3.10 as well: when the course
interpreter is missing, that one still writes the results.json that says so.

Environment (for tests and debugging; students cannot set it): ``AUTOGRADER_ROOT`` (default
``/autograder``), ``AUTOGRADER_PYTHON`` (the course interpreter, default ``DEFAULT_PYTHON``),
``AUTOGRADER_ISOLATION`` (``auto``, ``namespaces`` or ``process``; default: the bundle's),
``AUTOGRADER_TIMEOUT`` (seconds for the whole grading; default: the bundle's), ``AUTOGRADER_UID``
(the user the grader runs as without namespaces; default nobody).
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent  # the unpacked bundle: /autograder/source
DEFAULT_ROOT = "/autograder"
DEFAULT_PYTHON = "/opt/logging-grader/venv/bin/python"  # where setup.sh puts the course's venv
# The unprivileged user the grader runs as when it cannot make namespaces. Afterwards every
# process of that user is killed: in Gradescope's container (one per submission) nothing else
# runs as nobody. Elsewhere (tests on a shared machine) AUTOGRADER_UID names a user of its own.
NOBODY = 65534

# What is copied of an upload: regular files and folders only, within these bounds.
MAX_FILE_BYTES = 20 << 20
MAX_TOTAL_BYTES = 100 << 20
MAX_ENTRIES = 5000
MAX_DEPTH = 12  # folders below a copied folder
SEARCH_DEPTH = 3  # how deep below the upload's root exercise folders or files are looked for
SKIPPED_NAMES = {"__pycache__", ".git", "__MACOSX", ".DS_Store", ".ipynb_checkpoints"}
MAX_RESULTS_BYTES = 8 << 20
STDOUT_KEPT = 200_000  # characters of the grader's own output repeated in stdout
UPLOAD_HELP = (
    "Upload the exercise folder(s) from exercises/ with their names unchanged (a zip of them, "
    "or of your whole repository, works too)"
)


# -- the assignment ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Exercise:
    name: str  # exercise1_log_levels
    number: int
    title: str
    files: tuple[str, ...]  # relative to the exercise folder
    max_score: float

    def matches(self, folder: str) -> bool:
        """A folder of an upload that holds this exercise: its name, or ``exerciseN_…``."""
        lowered = folder.lower()
        pattern = rf"exercise0*{self.number}(?:_\w*)?"
        return lowered == self.name or re.fullmatch(pattern, lowered) is not None

    def describe(self) -> str:
        return f"a folder {self.name}/ holding {', '.join(self.files)}"


@dataclass(frozen=True)
class Assignment:
    exercises: tuple[Exercise, ...]
    isolation: str  # "auto" (namespaces where possible), "namespaces" or "process"
    timeout_s: float
    course_file: str = "configs/course.toml"  # relative to the bundle's root

    @property
    def max_score(self) -> float:
        return sum(exercise.max_score for exercise in self.exercises)

    def expected(self) -> str:
        """What an upload must hold, in words."""
        if len(self.exercises) == 1:
            exercise = self.exercises[0]
            if len(exercise.files) == 1:
                return f"{exercise.describe()}, or the file {exercise.files[0]} itself"
            return f"{exercise.describe()}, or the files {', '.join(exercise.files)} themselves"
        return "; ".join(exercise.describe() for exercise in self.exercises)


def load_assignment(source: Path) -> Assignment:
    data = json.loads((source / "assignment.json").read_text(encoding="utf-8"))
    exercises = tuple(
        Exercise(
            name=str(entry["name"]),
            number=int(entry["number"]),
            title=str(entry["title"]),
            files=tuple(str(name) for name in entry["files"]),
            max_score=float(entry["max_score"]),
        )
        for entry in data["exercises"]
    )
    if not exercises:
        raise ValueError("assignment.json names no exercise")
    isolation = str(data.get("isolation", "auto"))
    if isolation not in ("auto", "namespaces", "process"):
        raise ValueError(f"assignment.json: unknown isolation {isolation!r}")
    course_file = str(data.get("course_file", "configs/course.toml"))
    if Path(course_file).is_absolute() or ".." in Path(course_file).parts:
        raise ValueError(
            f"assignment.json: the course file must be inside the bundle: {course_file}"
        )
    return Assignment(exercises, isolation, float(data.get("timeout_s", 540)), course_file)


# -- copying an upload ---------------------------------------------------------------------------
def shown(path: str) -> str:
    """A name as a person can read it, whatever bytes it holds (invalid UTF-8 escaped)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclass
class Copier:
    """Copies regular files and folders of an upload, nothing else, within the bounds above.

    Never follows a symbolic link, never opens anything but a regular file, and skips a name
    that is not valid UTF-8; each thing left out is noted (``ignored``) with the reason."""

    entries: int = 0
    bytes: int = 0
    ignored: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)

    def ignore(self, label: str, reason: str) -> None:
        self.ignored.append(f"{label} ({reason})")

    def tree(self, source: Path, target: Path, label: str = "", depth: int = 0) -> None:
        target.mkdir(parents=True, exist_ok=True)
        try:
            with os.scandir(source) as found:
                entries = sorted(found, key=lambda entry: entry.name)
        except OSError as error:
            self.ignore(label or ".", f"could not be read: {error.strerror}")
            return
        for entry in entries:
            name = f"{label}{shown(entry.name)}"
            if entry.name in SKIPPED_NAMES or entry.name.endswith(".pyc"):
                continue
            try:
                entry.name.encode("utf-8")
            except UnicodeEncodeError:
                self.ignore(name, "its name is not valid UTF-8")
                continue
            if self.entries >= MAX_ENTRIES:
                self.ignore(name, f"more than {MAX_ENTRIES} files and folders")
                continue
            if entry.is_symlink():
                self.ignore(name, "a symbolic link")
            elif entry.is_dir(follow_symlinks=False):
                if depth >= MAX_DEPTH:
                    self.ignore(name + "/", "nested too deep")
                    continue
                self.entries += 1
                self.tree(Path(entry.path), target / entry.name, name + "/", depth + 1)
            elif entry.is_file(follow_symlinks=False):
                self.file(Path(entry.path), target / entry.name, name)
            else:
                self.ignore(name, "not a regular file")

    def file(self, source: Path, target: Path, label: str) -> None:
        try:
            fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as error:
            self.ignore(label, f"could not be read: {error.strerror}")
            return
        with os.fdopen(fd, "rb") as reader:
            info = os.fstat(reader.fileno())
            if not stat.S_ISREG(info.st_mode):
                self.ignore(label, "not a regular file")
                return
            if info.st_size > MAX_FILE_BYTES:
                self.ignore(label, f"larger than {MAX_FILE_BYTES >> 20} MB")
                return
            if self.bytes + info.st_size > MAX_TOTAL_BYTES:
                self.ignore(label, f"the upload is larger than {MAX_TOTAL_BYTES >> 20} MB")
                return
            data = reader.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:  # it grew while being read
            self.ignore(label, f"larger than {MAX_FILE_BYTES >> 20} MB")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(out, "wb") as writer:
            writer.write(data)
        self.entries += 1
        self.bytes += len(data)
        self.copied.append(label)


@dataclass
class Layout:
    """What was found in an upload and copied into a folder laid out like ``exercises/``."""

    kind: str  # "folders" (exercise folders), "files" (one exercise's bare files), "none"
    origins: dict[str, str] = field(default_factory=dict)  # exercise -> where it came from
    ignored: list[str] = field(default_factory=list)
    top: list[str] = field(default_factory=list)  # the upload's top-level names ("none")

    def notes(self) -> list[str]:
        lines = [f"Graded {name} from {origin}" for name, origin in self.origins.items()]
        if self.ignored:
            kept = self.ignored[:10]
            more = len(self.ignored) - len(kept)
            lines.append(
                "Left out of your upload: "
                + "; ".join(kept)
                + (f"; and {more} more" if more > 0 else "")
            )
        return lines


def _folders(root: Path) -> list[tuple[int, str, Path]]:
    """The upload's folders down to ``SEARCH_DEPTH``, shallowest first (no symbolic links)."""
    found: list[tuple[int, str, Path]] = [(0, "", root)]
    index = 0
    while index < len(found) and len(found) < 2000:
        depth, relative, folder = found[index]
        index += 1
        if depth >= SEARCH_DEPTH:
            continue
        try:
            with os.scandir(folder) as entries:
                children = sorted(
                    (entry.name for entry in entries if entry.is_dir(follow_symlinks=False)),
                )
        except OSError:
            continue
        for name in children:
            if name in SKIPPED_NAMES or name.startswith("."):
                continue
            found.append((depth + 1, f"{relative}{shown(name)}/", folder / name))
    return found


def _children(folder: Path) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return sorted(entry.name for entry in entries if entry.is_dir(follow_symlinks=False))
    except OSError:
        return []


def _has(folder: Path, relative: str) -> bool:
    path = folder / relative
    return path.is_file() and not path.is_symlink()


def lay_out(upload: Path, assignment: Assignment, target: Path) -> Layout:
    """Copy the upload into ``target`` as exercise folders; say what was found where.

    Exercise folders are looked for at the top of the upload and up to ``SEARCH_DEPTH`` below
    it (a zip of a repository: ``repo/exercises/exercise1_log_levels/``); the folder holding
    most of the assignment's exercises wins, ``exercises/`` before others, shallowest first.
    Without any, an assignment of one exercise takes the folder holding most of its files
    (the bare files uploaded) as that exercise's folder."""
    target.mkdir(parents=True, exist_ok=True)
    copier = Copier()
    folders = _folders(upload)
    best: tuple[tuple, str, Path, dict[str, str]] | None = None
    for depth, relative, folder in folders:
        children = _children(folder)
        matched: dict[str, str] = {}
        for exercise in assignment.exercises:
            names = [name for name in children if exercise.matches(name)]
            names.sort(key=lambda name: (name.lower() != exercise.name, name))
            if names:
                matched[exercise.name] = names[0]
        if matched:
            rank = (-len(matched), folder.name != "exercises", depth, relative)
            if best is None or rank < best[0]:
                best = (rank, relative, folder, matched)
    if best is not None:
        _, relative, folder, matched = best
        layout = Layout("folders")
        for name, child in matched.items():
            copier.tree(folder / child, target / name, f"{relative}{shown(child)}/")
            layout.origins[name] = f"{relative}{shown(child)}/"
        layout.ignored = copier.ignored
        return layout
    if len(assignment.exercises) == 1:
        exercise = assignment.exercises[0]
        chosen: tuple[tuple, str, Path] | None = None
        for depth, relative, folder in folders:
            present = sum(
                _has(folder, name) or _has(folder, Path(name).name) for name in exercise.files
            )
            if present and (chosen is None or (-present, depth) < chosen[0]):
                chosen = ((-present, depth), relative, folder)
        if chosen is not None:
            _, relative, folder = chosen
            copier.tree(folder, target / exercise.name, relative)
            for name in exercise.files:  # configs/sweep.yaml uploaded as a bare sweep.yaml
                placed = target / exercise.name / name
                loose = target / exercise.name / Path(name).name
                if not placed.exists() and loose.is_file():
                    placed.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(loose, placed)
            layout = Layout("files", {exercise.name: f"the files in {relative or 'your upload'}"})
            layout.ignored = copier.ignored
            return layout
    try:
        with os.scandir(upload) as entries:
            top = sorted(
                shown(entry.name) + ("/" if entry.is_dir(follow_symlinks=False) else "")
                for entry in entries
            )
    except OSError:
        top = []
    return Layout("none", top=top)


# -- running the grader -------------------------------------------------------------------------
@dataclass
class Outcome:
    code: int | None  # None: stopped at the time limit
    stdout: str
    stderr: str
    duration: float


def _as_user(uid: int | None) -> dict:
    if uid is None:
        return {}
    return {"user": uid, "group": uid, "extra_groups": []}


def kill_user(uid: int) -> None:
    """Kill every process of ``uid`` (what a run as that user may have left behind)."""
    pid = os.fork()
    if pid == 0:  # the child becomes uid and signals everything it may: uid's processes
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        except BaseException:
            pass
        os._exit(0)
    os.waitpid(pid, 0)


def run_grader(
    python: str,
    source: Path,
    command: list[str],
    work: Path,
    timeout: float,
    uid: int | None,
    course_file: str = "configs/course.toml",
) -> Outcome:
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(work / "home"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "NO_COLOR": "1",
        "PYTHONPATH": str(source),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "GRADER_CONFIG": str(source / course_file),
    }
    for name in ("GRADER_BWRAP", "TMPDIR", "TZ"):
        if name in os.environ:
            env[name] = os.environ[name]
    started = time.monotonic()
    process = subprocess.Popen(
        [python, "-m", "grader", *command],
        cwd=source,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        **_as_user(uid),
    )
    try:
        out, err = process.communicate(timeout=max(timeout, 1))
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        code = None
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            out, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # a child holds the pipes open: stop reading
            process.kill()
            out, err = b"", b""
    if uid is not None and os.geteuid() == 0:
        kill_user(uid)
    text = [part.decode("utf-8", "replace") for part in (out, err)]
    return Outcome(code, text[0], text[1], time.monotonic() - started)


def read_results(path: Path, assignment: Assignment) -> dict:
    """The grader's results.json, if it is one Gradescope takes and fits the assignment;
    otherwise ValueError saying why."""
    if not path.is_file():
        raise ValueError(f"the grader wrote no results file ({path.name})")
    if path.stat().st_size > MAX_RESULTS_BYTES:
        raise ValueError(f"the grader's results file is larger than {MAX_RESULTS_BYTES >> 20} MB")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"the grader's results file is not valid JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("tests"), list) or not data["tests"]:
        raise ValueError("the grader's results file holds no tests")

    def number(value: object, what: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"the grader's results file: {what} is not a number ({value!r})")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"the grader's results file: {what} is {value!r}")
        return float(value)

    scores = maxima = 0.0
    for index, test in enumerate(data["tests"]):
        if not isinstance(test, dict) or not isinstance(test.get("name"), str):
            raise ValueError(f"the grader's results file: test {index} has no name")
        score = number(test.get("score"), f"test {index}'s score")
        most = number(test.get("max_score"), f"test {index}'s max_score")
        if score > most + 1e-9:
            raise ValueError(f"the grader's results file: test {index} scores above its maximum")
        scores, maxima = scores + score, maxima + most
    score = number(data.get("score"), "the score")
    if abs(score - scores) > 1e-6:
        raise ValueError(f"the grader's results file: score {score} is not its tests' {scores}")
    if maxima > assignment.max_score + 1e-6:
        raise ValueError(
            f"the grader's results file: its tests add up to {maxima} points, "
            f"more than the assignment's {assignment.max_score}"
        )
    return data


# -- results.json -------------------------------------------------------------------------------
def failure_results(assignment: Assignment, title: str, text: str, extra: dict) -> dict:
    """One failed test saying what went wrong, score 0 (the results of every failure)."""
    return {
        "score": 0,
        "output": f"Nothing was graded: {title[0].lower()}{title[1:]} (see below).",
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": title,
                "score": 0,
                "max_score": assignment.max_score,
                "status": "failed",
                "output": text,
                "visibility": "visible",
            }
        ],
        "extra_data": {"autograder": extra},
    }


def write_results(path: Path, results: dict) -> None:
    """Write ``results`` whole or not at all (a partial file is never left)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _formatted(results: dict, lines: list[str]) -> str:
    """``lines`` (they hold names from the upload) safe in the results' top-level format:
    Markdown gets them fenced, the HTML formats escaped, plain text as they are."""
    text = "\n".join(lines)
    kind = results.get("output_format", "simple_format")
    if kind == "md":
        fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", text)), default=0))
        return f"{fence}text\n{text}\n{fence}"
    return text if kind in ("text", "ansi") else html.escape(text)


def _stamp(source: Path) -> dict:
    try:
        stamp = json.loads((source / "grader" / "_build.json").read_text(encoding="utf-8"))
        return stamp if isinstance(stamp, dict) else {}
    except (OSError, ValueError):
        return {}


def _tail(text: str) -> str:
    return text if len(text) <= STDOUT_KEPT else "[…]\n" + text[-STDOUT_KEPT:]


# -- the whole run ------------------------------------------------------------------------------
class Grading:
    """One run of the autograder: every way it ends writes a valid results.json (``fail`` for
    a grading that did not happen, ``_judge`` for one that did)."""

    def __init__(self, root: Path, source: Path) -> None:
        self.root, self.source = root, source
        self.results = root / "results" / "results.json"
        self.extra: dict = {"bundle": _stamp(source)}
        self.assignment = Assignment((), "auto", 0)
        self.timeout = 0.0

    def fail(self, title: str, student: str, reason: str, quiet: bool = False) -> int:
        """Results for a grading that did not happen; ``reason`` goes to instructors."""
        if not quiet:
            print(f"autograder: {title}: {reason}")
        lines = reason.strip().splitlines()
        extra = {**self.extra, "error": lines[-1][:500] if lines else title}
        write_results(self.results, failure_results(self.assignment, title, student, extra))
        return 0

    def run(self) -> int:
        try:
            self.assignment = load_assignment(self.source)
        except (OSError, ValueError, KeyError, TypeError) as error:
            return self.fail(
                "The autograder is not set up correctly",
                "The autograder could not read its own assignment settings, so nothing was "
                "graded. This is not your fault: please tell your instructor.",
                f"assignment.json: {type(error).__name__}: {error}",
            )
        self.extra["exercises"] = [exercise.name for exercise in self.assignment.exercises]
        self.fail(  # in place until the grading finishes, should this process be killed
            "The autograder did not finish",
            "The autograder stopped before it finished grading. Please submit again; if this "
            "happens again, tell your instructor.",
            "stopped before the grading finished",
            quiet=True,
        )
        if os.geteuid() == 0:  # nothing but this process may write the results
            os.chown(self.results.parent, 0, 0)
            os.chmod(self.results.parent, 0o755)
        work = Path(tempfile.mkdtemp(prefix="gradescope-"))
        try:
            return self._grade(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _grade(self, work: Path) -> int:
        assignment = self.assignment
        laid_out = work / "submission"
        layout = lay_out(self.root / "submission", assignment, laid_out)
        self.extra.update(layout=layout.kind, ignored=layout.ignored[:100])
        for line in layout.notes():
            print(line)
        if layout.kind == "none":
            found = ", ".join(layout.top[:20]) if layout.top else "nothing"
            return self.fail(
                "Your upload holds none of the files this assignment grades",
                f"Expected: {assignment.expected()}.\nFound in your upload: {found}.\n"
                f"{UPLOAD_HELP}, and submit again.",
                f"no exercise folder or file found; the upload holds: {found}",
            )
        python = os.path.abspath(os.environ.get("AUTOGRADER_PYTHON") or DEFAULT_PYTHON)
        if not os.access(python, os.X_OK):
            return self._crashed(f"the course interpreter {python} does not exist (run setup.sh)")
        mode = os.environ.get("AUTOGRADER_ISOLATION") or assignment.isolation
        if mode not in ("auto", "namespaces", "process"):
            return self._crashed(f"AUTOGRADER_ISOLATION={mode!r} is not auto/namespaces/process")
        self.timeout = float(os.environ.get("AUTOGRADER_TIMEOUT") or assignment.timeout_s)
        deadline = time.monotonic() + self.timeout
        output = work / "out" / "results.json"
        for name in ("home", "out"):
            (work / name).mkdir()
        names = [exercise.name for exercise in assignment.exercises]
        command = [*names, "--submission", str(laid_out), "--json", str(output)]
        command += ["--no-color", "--allow-missing", "--isolation"]
        uid = None
        outcome = None
        if mode != "process":
            left = deadline - time.monotonic()
            outcome = run_grader(
                python,
                self.source,
                [*command, "namespaces"],
                work,
                left,
                None,
                assignment.course_file,
            )
            if outcome.code == 2 and "--isolation namespaces:" in outcome.stderr:
                reason = outcome.stderr.strip().splitlines()[-1]
                print(f"autograder: no namespaces here: {reason}")
                self.extra["namespaces_unavailable"] = reason
                if mode == "namespaces":
                    return self.fail(
                        "The autograder could not isolate your code",
                        "The autograder runs your code only in a sandbox of its own, and could "
                        "not make one on this machine, so nothing was graded. This is not your "
                        "fault: please tell your instructor.",
                        reason,
                    )
                outcome = None
        isolation = "namespaces"
        if outcome is None:  # the process sandbox, as an unprivileged user when this is root
            isolation = "process"
            uid = int(os.environ.get("AUTOGRADER_UID") or NOBODY) if os.geteuid() == 0 else None
            if uid is not None:
                _hand_over(work, uid)
            left = deadline - time.monotonic()
            outcome = run_grader(
                python, self.source, [*command, "process"], work, left, uid, assignment.course_file
            )
        if uid is not None:
            isolation += " (the grader as nobody)" if uid == NOBODY else f" (the grader as {uid})"
        self.extra["isolation"] = isolation
        self.extra["grader_exit_status"] = outcome.code
        print(_tail(outcome.stdout))
        if outcome.stderr.strip():
            print(_tail(outcome.stderr))
        return self._judge(outcome, output, layout, uid)

    def _judge(self, outcome: Outcome, output: Path, layout: Layout, uid: int | None) -> int:
        if outcome.code is None:
            return self.fail(
                "The autograder ran out of time",
                f"Grading took longer than the autograder allows ({self.timeout:g} s) and was "
                "stopped, "
                "so nothing was graded. Every run of your code has its own time limit, so this "
                "is rarely your code's fault: please tell your instructor.",
                f"the grader was stopped after {outcome.duration:.0f} s",
            )
        if outcome.code == 2:
            said = (outcome.stderr.strip().splitlines() or ["no message"])[-1]
            return self._crashed(f"the grader refused to grade (exit status 2): {said}")
        try:
            results = read_results(output, self.assignment)
        except (OSError, ValueError) as error:
            hint = ""
            if uid is not None:
                hint = f" (the grader ran as uid {uid}: setup.sh makes the course readable to it)"
            return self._crashed(f"exit status {outcome.code}: {error}{hint}")
        if layout.notes():
            notes = _formatted(results, layout.notes())
            results["output"] = notes + "\n\n" + str(results.get("output") or "")
        results["stdout_visibility"] = "hidden"
        extra = results.get("extra_data")
        results["extra_data"] = {
            **(extra if isinstance(extra, dict) else {}),
            "autograder": self.extra,
        }
        write_results(self.results, results)
        print(f"autograder: results written: {results['score']:g} points")
        return 0

    def _crashed(self, reason: str) -> int:
        return self.fail(
            "The autograder failed while grading",
            "The autograder itself failed while grading this submission, so nothing was graded. "
            "This is not a mark against your code: please tell your instructor, who can see "
            f"what went wrong. What this assignment grades: {self.assignment.expected()}.",
            reason,
        )


def _hand_over(work: Path, uid: int) -> None:
    """The work folder to ``uid``: the grader, run as it, copies and writes there."""
    for path in (work, *work.rglob("*")):
        os.chown(path, uid, uid, follow_symlinks=False)


def course_packages(source: Path) -> list[str]:
    """What student code may import, from the course file's ``[environment]`` (as noxfile.py's
    ``course_packages`` reads it)."""
    import tomllib  # Python 3.11+: setup.sh runs this with the course's interpreter

    config = source / load_assignment(source).course_file
    packages: list[str] = []
    seen: set[Path] = set()
    while config.resolve() not in seen:  # the course file, then those it extends
        seen.add(config.resolve())
        data = tomllib.loads(config.read_text(encoding="utf-8"))
        environment = data.get("environment", {})
        listed = environment.get("packages", []) if isinstance(environment, dict) else []
        packages = [p for p in listed if isinstance(p, str) and p not in packages] + packages
        course = data.get("course")
        extends = course.get("extends") if isinstance(course, dict) else None
        if not isinstance(extends, str) or not extends:
            break
        config = config.parent / extends
    return packages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autograder.py", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("run", "packages"))
    args = parser.parse_args(argv)
    if args.command == "packages":
        print("\n".join(course_packages(HERE)))
        return 0
    root = Path(os.environ.get("AUTOGRADER_ROOT") or DEFAULT_ROOT)
    grading = Grading(root, HERE)
    try:
        return grading.run()
    except Exception:
        return grading._crashed("the autograder's wrapper failed:\n" + traceback.format_exc())


if __name__ == "__main__":
    sys.exit(main())
