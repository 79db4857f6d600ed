"""Reading a Dockerfile and its .dockerignore the way Docker does, plus hadolint's advice."""

from __future__ import annotations

import fnmatch
import io
import json
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# Commands a RUN instruction installs Python packages with.
INSTALLERS = ("pip", "uv", "poetry", "conda", "mamba", "pipenv")


@dataclass(frozen=True)
class Instruction:
    name: str  # FROM, RUN, COPY, ... (upper case)
    line: int  # 1-based, where it starts
    value: str  # what follows the instruction name (continuations joined)


@dataclass(frozen=True)
class Copy:
    instruction: Instruction
    sources: list[str]
    destination: str


@dataclass(frozen=True)
class Dockerfile:
    instructions: list[Instruction]
    base_image: str | None

    def all(self, *names: str) -> list[Instruction]:
        return [i for i in self.instructions if i.name in names]

    def final_stage(self) -> list[Instruction]:
        """What the image is made of: the last stage, and the stages it is built FROM (ENV set
        in a builder stage that is only copied from does not reach the image)."""
        stages: list[tuple[str | None, str, list[Instruction]]] = []
        for instruction in self.instructions:
            if instruction.name == "FROM":
                words = instruction.value.split()
                alias = words[2].lower() if len(words) >= 3 and words[1].upper() == "AS" else None
                stages.append((alias, words[0].lower() if words else "", [instruction]))
            elif stages:
                stages[-1][2].append(instruction)
        chain: list[Instruction] = []
        index = len(stages) - 1
        while index >= 0:
            _, image, body = stages[index]
            chain = body + chain
            parents = [i for i, (alias, _, _) in enumerate(stages[:index]) if alias == image]
            index = parents[-1] if parents else -1
        return chain

    def entrypoint(self) -> Instruction | None:
        found = self.all("ENTRYPOINT")
        return found[-1] if found else None  # only the last one counts

    def assignments(
        self, variable: str, final_only: bool = False
    ) -> list[tuple[Instruction, str | None]]:
        """ENV/ARG instructions setting ``variable``, with the value given (None: no value);
        ``final_only`` keeps those that are in force in the final image."""
        found = []
        pool = self.final_stage() if final_only else self.instructions
        for instruction in (i for i in pool if i.name in ("ENV", "ARG")):
            for name, value in _pairs(instruction):
                if name == variable:
                    found.append((instruction, value))
        return found

    def copies(self) -> list[Copy]:
        """Every COPY/ADD from the build context (not ``--from`` another stage)."""
        found = []
        for instruction in self.all("COPY", "ADD"):
            words = exec_form(instruction.value) or split_words(instruction.value)
            if any(word.startswith("--from") for word in words):
                continue
            paths = [word for word in words if not word.startswith("--")]
            if len(paths) >= 2:
                found.append(Copy(instruction, paths[:-1], paths[-1]))
        return found

    def installs(self, package: str, context: Path) -> bool:
        """A RUN instruction installs ``package`` with one of ``INSTALLERS``: named on the
        command line, or inside a requirements/pyproject file of the build ``context``."""
        for run in self.all("RUN"):
            words = split_words(run.value.replace("\\\n", " "))
            if not any(installer in words for installer in INSTALLERS):
                continue
            if any(word.lower().startswith(package) for word in words):
                return True
            for word in words:  # -r requirements.txt / pyproject: look inside the copied file
                local = context / PurePosixPath(word).name
                if (
                    word.endswith((".txt", ".toml"))
                    and local.is_file()
                    and package in local.read_text(encoding="utf-8", errors="replace")
                ):
                    return True
        return False

    def names_in_image(self, file_name: str) -> set[str]:
        """Names the context's ``file_name`` has in the image: its own, or the file name it was
        copied to; empty when no COPY/ADD brings it in (``*.py`` and ``.`` do, for a .py)."""
        wildcard = "*" + PurePosixPath(file_name).suffix
        names: set[str] = set()
        for copy in self.copies():
            for source in copy.sources:
                name = PurePosixPath(source).name
                if not (copies_everything(source) or name in (file_name, wildcard)):
                    continue
                names.add(file_name)
                if name == file_name and not copy.destination.endswith(("/", ".")):
                    names.add(PurePosixPath(copy.destination).name)
        return names

    def python_unbuffered(self, argv: list[str], script: int) -> bool:
        """Python runs unbuffered: ``-u`` among the interpreter's options in ``argv`` (before
        the ``script`` index; after it, it is the script's), or PYTHONUNBUFFERED set to a value
        in the final image."""
        options = [w for w in argv[:script] if w.startswith("-") and not w.startswith("--")]
        return any("u" in word[1:] for word in options) or any(
            value not in (None, "", "0")
            for _, value in self.assignments("PYTHONUNBUFFERED", final_only=True)
        )


def copies_everything(source: str) -> bool:
    """``COPY . .``, ``COPY ./ /app``, ``COPY * ./``: the whole build context."""
    return source.strip() in (".", "./", "*", "./*", "/")


def script_position(argv: list[str], names: set[str]) -> int | None:
    """The index of the first word of ``argv`` whose file name is one of ``names``."""
    return next((i for i, word in enumerate(argv) if PurePosixPath(word).name in names), None)


def dockerignore_patterns(context: Path) -> list[str]:
    """The exclusion patterns of the context's .dockerignore (none without one); comments,
    ``!`` exceptions and blank lines left out, a leading ``/`` or ``**/`` dropped."""
    ignore = context / ".dockerignore"
    lines = (
        ignore.read_text(encoding="utf-8", errors="replace").splitlines()
        if ignore.is_file()
        else []
    )
    patterns = [line.strip().removeprefix("/").removeprefix("**/") for line in lines]
    return [p for p in patterns if p and not p.startswith(("#", "!"))]


def sent_to_build(context: Path, names: list[str]) -> list[str]:
    """Those of ``names`` (files at the top of ``context``) that .dockerignore lets through
    to the build, so that ``COPY .`` brings them into the image."""
    patterns = dockerignore_patterns(context)
    return [
        name
        for name in names
        if not any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
    ]


def split_words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote: Docker would be as confused; keep going
        return text.split()


def exec_form(value: str) -> list[str] | None:
    """The argument list of an exec-form (JSON array) instruction, else None (shell form)."""
    text = value.strip()
    if not text.startswith("["):
        return None
    try:
        words = json.loads(text)
    except json.JSONDecodeError:
        return None  # Docker runs malformed JSON in shell form
    return words if isinstance(words, list) and all(isinstance(w, str) for w in words) else None


def _pairs(instruction: Instruction) -> list[tuple[str, str | None]]:
    text = instruction.value.strip()
    if instruction.name == "ENV" and "=" not in text.split(maxsplit=1)[0]:
        name, _, value = text.partition(" ")  # legacy `ENV NAME value`
        return [(name, value.strip() or None)]
    pairs = []
    for word in split_words(text):
        name, sep, value = word.partition("=")
        pairs.append((name, value if sep else None))
    return pairs


def read_dockerfile(path: Path) -> Dockerfile:
    from dockerfile_parse import DockerfileParser  # only exercise 10 needs it

    parser = DockerfileParser(fileobj=io.BytesIO(path.read_bytes()))
    instructions = [
        Instruction(entry["instruction"].upper(), entry["startline"] + 1, entry["value"])
        for entry in parser.structure
        if entry["instruction"].upper() != "COMMENT"
    ]
    from_lines = [i for i in instructions if i.name == "FROM"]
    base = from_lines[-1].value.split()[0] if from_lines else None
    return Dockerfile(instructions, base)


def hadolint(path: Path) -> list[str] | None:
    """hadolint's findings as "line N: CODE message", or None when hadolint is not installed."""
    binary = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    if binary is None:
        return None
    try:
        result = subprocess.run(
            [binary, "--no-fail", "--format", "json", "-"],
            input=path.read_bytes(),
            capture_output=True,
            timeout=30,
        )
        findings = json.loads(result.stdout or b"[]")
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        return None
    return [f"line {f['line']}: {f['code']} {f['message']}" for f in findings]
