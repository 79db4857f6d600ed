"""A model of the image a Dockerfile builds, followed instruction by instruction.

``model_image`` reads dockerfile-parse's instructions (``dockerfile.py``) against the build
context and follows what Docker (BuildKit) would do with each: the stages and which one is
final, the working directory, the files each stage holds (COPY/ADD with their destination
rules, ``--from`` another stage, ``.dockerignore``), the environment (ENV, ARG and its scope),
the user, the Pythons and programs present and the packages installed where (pip, ``uv pip``,
``uv add``/``uv sync``, requirements files and pyproject.toml read from the context), and then
``DockerImage.launch`` resolves the command the container runs (ENTRYPOINT and CMD, exec or
shell form, through ``sh -c``) against it.

It reads, it never judges: every fact names the instruction it comes from, and what the model
cannot follow (a base image it does not know, a shell script too clever for it) is kept as
"cannot tell" rather than guessed, so that a judge can pass what it cannot disprove.
"""

from __future__ import annotations

import copy
import difflib
import posixpath
import re
import shlex
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .dockerfile import Dockerfile, DockerIgnore, IgnoreRule, Instruction, exec_form
from .dockerfile import read_dockerignore as _read_dockerignore

P = PurePosixPath
ROOT = P("/")
SHELLS = ("sh", "bash", "dash", "ash", "zsh", "ksh", "busybox")
WRAPPERS = ("tini", "dumb-init", "tini-static")
_PYTHON = re.compile(r"python(\d(\.\d+)?)?")
_PIP = re.compile(r"pip(\d(\.\d+)?)?")
_VERSION_PART = "python?"  # a site-packages path part whose Python version is not known
_FHS = [
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/home",
    "/lib",
    "/media",
    "/mnt",
    "/opt",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/srv",
    "/sys",
    "/tmp",
    "/usr",
    "/usr/bin",
    "/usr/lib",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/lib",
    "/usr/local/share",
    "/usr/local/src",
    "/usr/local/sbin",
    "/usr/local/include",
    "/usr/sbin",
    "/usr/share",
    "/usr/src",
    "/var",
    "/var/lib",
    "/var/log",
    "/var/tmp",
    "/var/cache",
]
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Top folders a base image fills with files of its own; anything else (/app, /opt, /srv, a
# file at /) holds only what the Dockerfile puts there.
_BASE_TOPS = {"usr", "etc", "lib", "lib32", "lib64", "libx32", "bin", "sbin", "var", "proc",
              "sys", "dev", "run", "boot"}  # fmt: skip
# RUN commands whose success the model takes for granted without doubt.
_HARMLESS = {"echo", "printf", "true", ":", "set", "ls", "cat", "test", "[", "which", "id",
             "whoami", "date", "sleep", "groupadd", "addgroup", "chown", "usermod", "locale-gen",
             "ldconfig", "update-ca-certificates", "pwd", "env", "printenv", "touch", "unset",
             "umask", "ulimit", "type", "hash", "find", "du", "df", "uname", "nproc"}  # fmt: skip
# RUN commands that may write files where the model cannot tell.
_OPAQUE = {"tar", "unzip", "git", "rsync", "make", "cmake", "npm", "yarn", "go", "cargo", "dd",
           "bsdtar", "7z", "gunzip", "bunzip2", "xz", "svn", "hg", "scp", "ditto"}  # fmt: skip


# ------------------------------------------------------------------------------------------
# What the model holds


@dataclass
class ImageFile:
    """A file in a stage's filesystem."""

    path: P
    instruction: Instruction | None  # what put it there (None: the base image)
    stage: str
    source: str | None = None  # the build context's file it is a copy of (relative, with /)
    content: str | None = None  # its text, when the Dockerfile wrote it (a heredoc)
    owner: str = "root"
    mode: int | None = None  # None: the context file's own (usually 0644)
    executable: bool | None = None  # set by chmod/--chmod; None: as in the context
    temporary: bool = False  # a RUN --mount=type=bind: gone after the RUN
    changed: bool = False  # a RUN the model does not follow names it (sed -i, ...)

    def shown(self) -> str:
        what = self.source or ("a heredoc" if self.content is not None else "a file")
        if self.instruction is None:
            return f"{self.path} (in the base image)"
        verb = "puts" if self.source is None else "copies"
        return (
            f"line {self.instruction.line} ({self.instruction.name}) {verb} {what} to {self.path}"
        )


@dataclass
class PythonEnv:
    """A Python environment: a base image's or apt's Python, a virtual environment."""

    location: P  # the prefix, or the virtual environment's folder
    kind: str  # "system", "venv", "conda"
    version: str | None  # "3.12"; None: not known
    instruction: Instruction | None  # what made it (None: the base image)
    stage: str
    base_python: P | None = None  # a venv's interpreter (its bin/python links there)
    system_site: bool = False  # a venv made with --system-site-packages
    sites: tuple[P, ...] = ()  # its site-packages folders, where installs land first
    externally_managed: bool = False  # PEP 668: pip refuses to install into it
    has_pip: bool = True

    def shown(self) -> str:
        version = f"Python {self.version}" if self.version else "Python"
        if self.kind == "venv":
            made = f", made at line {self.instruction.line}" if self.instruction else ""
            return f"the virtual environment {self.location} ({version}{made})"
        if self.instruction is None:
            return f"the base image's {version} ({self.location})"
        return f"{version} installed at line {self.instruction.line} ({self.location})"


@dataclass
class Program:
    """A program of a stage that the model knows of (Pythons, pip, uv, shells, wrappers)."""

    path: P
    kind: str  # "python", "pip", "uv", "shell", "tool"
    env: PythonEnv | None
    instruction: Instruction | None
    stage: str

    def shown(self) -> str:
        if self.instruction is None:
            return f"{self.path} (the base image's)"
        return f"{self.path} (line {self.instruction.line})"


@dataclass
class Install:
    """Packages installed by one instruction, and where."""

    packages: frozenset[str] | None  # normalised names; None: the model cannot tell which
    site: P | None  # the site-packages folder; None: the model cannot tell where
    instruction: Instruction
    stage: str
    how: str  # "pip install", "uv sync", ...
    env: PythonEnv | None = None
    copied_by: Instruction | None = None  # a COPY --from that brought it into this stage

    def has(self, package: str) -> bool | None:
        return None if self.packages is None else normalise(package) in self.packages

    def shown(self) -> str:
        where = (
            f" into {self.env.shown()}" if self.env else (f" into {self.site}" if self.site else "")
        )
        text = f"line {self.instruction.line} ({self.how}) installs it{where}"
        if self.copied_by is not None:
            text += f", copied in by line {self.copied_by.line}"
        return text


@dataclass(frozen=True)
class Note:
    instruction: Instruction | None
    text: str

    def __str__(self) -> str:
        return f"line {self.instruction.line}: {self.text}" if self.instruction else self.text


@dataclass(frozen=True)
class Command:
    """An ENTRYPOINT or CMD as written."""

    instruction: Instruction
    words: tuple[str, ...] | None  # exec form
    text: str | None  # shell form
    from_base: bool = False  # the base image's own (no instruction wrote it)

    @property
    def exec_form(self) -> bool:
        return self.words is not None

    def argv(self, shell: list[str]) -> list[str]:
        return list(self.words) if self.words is not None else [*shell, self.text or ""]


@dataclass(frozen=True)
class Base:
    """What the model knows of a base image."""

    reference: str
    family: str  # python, uv, os, distroless, conda, scratch, unknown
    known: bool  # what the model lacks, the image lacks
    distro: str | None = None  # debian, ubuntu, alpine
    python_version: str | None = None
    os_python: str | None = None  # the version apt/apk would install
    externally_managed: bool = False  # the OS's Python refuses pip (PEP 668)
    shell: bool = True
    cmd: tuple[str, ...] | None = None


@dataclass
class Verdict:
    """A fact the model found: True, False, or None (it cannot tell), and why."""

    value: bool | None
    why: str = ""
    instructions: tuple[Instruction, ...] = ()


@dataclass
class Stage:
    index: int
    name: str | None
    instruction: Instruction  # its FROM
    base: Base
    parent: Stage | None = None  # FROM an earlier stage
    workdir: P = ROOT
    workdir_by: Instruction | None = None
    env: dict[str, tuple[str, Instruction | None]] = field(default_factory=dict)
    args: dict[str, str | None] = field(default_factory=dict)
    user: str = "root"
    user_by: Instruction | None = None
    shell: list[str] = field(default_factory=lambda: ["/bin/sh", "-c"])
    files: dict[P, ImageFile] = field(default_factory=dict)
    dirs: dict[P, Instruction | None] = field(default_factory=dict)
    programs: dict[P, Program] = field(default_factory=dict)
    envs: list[PythonEnv] = field(default_factory=list)
    installs: list[Install] = field(default_factory=list)
    entrypoint: Command | None = None
    cmd: Command | None = None
    cmd_set_here: bool = False
    errors: list[Note] = field(default_factory=list)
    unsure: list[Note] = field(default_factory=list)  # what the model could not follow
    opaque: list[Note] = field(default_factory=list)  # RUNs that may write files anywhere
    unfollowed: list[Note] = field(default_factory=list)  # RUN commands taken to succeed
    removed: list[tuple[ImageFile, Instruction]] = field(default_factory=list)  # RUN rm
    depends: set[int] = field(default_factory=set)  # stages it copies or mounts from
    instructions: list[Instruction] = field(default_factory=list)
    apt_lists: bool = False  # `apt-get update` ran (package lists present)
    apt_packages: set[str] = field(default_factory=set)
    homes: dict[str, P] = field(default_factory=dict)
    project_adds: dict[P, set[str]] = field(default_factory=dict)  # uv add, per project

    @property
    def label(self) -> str:
        return self.name or str(self.index)

    def shown(self) -> str:
        what = f"line {self.instruction.line}: FROM {self.instruction.arguments()}"
        return f"stage {self.name} ({what})" if self.name else f"the stage of {what}"

    def variables(self) -> dict[str, str]:
        """What ``$NAME`` expands to in an instruction: ARGs in scope, ENV over them."""
        found = {name: value for name, value in self.args.items() if value is not None}
        found.update({name: value for name, (value, _) in self.env.items()})
        return found

    def environment(self) -> dict[str, str]:
        return {name: value for name, (value, _) in self.env.items()}

    def home(self, user: str | None = None) -> P:
        user = user or self.user
        if user in ("root", "0"):
            return P("/root")
        return self.homes.get(user, P("/home") / user)

    def is_dir(self, path: P) -> bool | None:
        if path == ROOT or path in self.dirs:
            return True
        if path in self.files:
            return False
        prefix = str(path).rstrip("/") + "/"
        if any(str(p).startswith(prefix) for p in (*self.files, *self.programs, *self.dirs)):
            return True
        return False if self.base.known else None

    def add_dir(self, path: P, instruction: Instruction | None) -> None:
        for part in (path, *path.parents):
            if part == ROOT:
                break
            self.dirs.setdefault(part, instruction)

    def put(self, entry: ImageFile) -> None:
        self.files[entry.path] = entry
        self.add_dir(entry.path.parent, entry.instruction)

    def knows_absent(self, path: P) -> bool:
        """Nothing is at ``path``, for certain: the base image is one the model knows, which
        has nothing there, and no instruction the model cannot follow may have put it there."""
        if path in self.files or path in self.programs or path in self.dirs:
            return False
        if not self.base.known or self.opaque or any("not modelled" in n.text for n in self.unsure):
            return False
        top = path.parts[1] if len(path.parts) > 1 else ""
        return self.base.family == "scratch" or top not in _BASE_TOPS

    def env_at(self, location: P) -> PythonEnv | None:
        return next((env for env in reversed(self.envs) if env.location == location), None)


# ------------------------------------------------------------------------------------------
# Words and variables, as Docker's lexer and a POSIX shell read them


class _Lexer:
    """Quotes, escapes and ``$VAR``/``${VAR:-default}`` expansion; in ``shell`` mode also
    operators, redirections, comments and field splitting."""

    def __init__(self, text: str, variables: Mapping[str, str], shell: bool = False) -> None:
        self.text, self.i, self.vars, self.shell = text, 0, variables, shell
        self.complex = False  # $(...), `...`, $@ and the like: not followed

    def words(self) -> list[str]:
        return [t for kind, t in self.tokens() if kind == "word"]

    def tokens(self) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        text = self.text
        while True:
            while self.i < len(text) and text[self.i] in " \t\r" + ("" if self.shell else "\n"):
                self.i += 1
            if self.i >= len(text):
                return tokens
            char = text[self.i]
            if self.shell:
                if char == "\\" and text[self.i + 1 : self.i + 2] == "\n":
                    self.i += 2
                    continue
                if char == "\n":
                    tokens.append(("op", ";"))
                    self.i += 1
                    continue
                if char == "#":
                    while self.i < len(text) and text[self.i] != "\n":
                        self.i += 1
                    continue
                operator = self._operator()
                if operator:
                    tokens.append(("op", operator))
                    continue
            tokens.extend(("word", word) for word in self._word())

    def _operator(self) -> str | None:
        text, i = self.text, self.i
        for op in ("&&", "||", ">>", ">&", "&>", "<<", "<&", ";", "|", "&", "(", ")", ">", "<"):
            if text.startswith(op, i):
                self.i += len(op)
                return op
        return None

    def _word(self) -> list[str]:
        text = self.text
        words: list[str] = []
        current: list[str] = []
        quoted = False

        def split(value: str) -> None:
            nonlocal current
            parts = re.split(r"[ \t\n]+", value)
            current.append(parts[0])
            for part in parts[1:]:
                if "".join(current):
                    words.append("".join(current))
                current = [part]

        while self.i < len(text):
            char = text[self.i]
            if char in " \t\r" or (char == "\n" and not self.shell):
                break
            if self.shell and (char in ";&|()<>\n"):
                if char in "<>" and "".join(current).isdigit() and not quoted:
                    current = []  # a file descriptor: 2>, 1>>
                break
            if char == "\\":
                nxt = text[self.i + 1 : self.i + 2]
                if self.shell and nxt == "\n":
                    self.i += 2
                    continue
                current.append(nxt)
                quoted = True
                self.i += 2
            elif char == "'":
                end = text.find("'", self.i + 1)
                end = len(text) if end < 0 else end
                current.append(text[self.i + 1 : end])
                quoted = True
                self.i = end + 1
            elif char == '"':
                current.append(self._double_quoted())
                quoted = True
            elif char == "$":
                value = self._dollar()
                if self.shell:
                    split(value)
                else:
                    current.append(value)
            elif char == "`":
                self.complex = True
                end = text.find("`", self.i + 1)
                self.i = len(text) if end < 0 else end + 1
            else:
                current.append(char)
                self.i += 1
        if "".join(current) or quoted:
            words.append("".join(current))
        return words

    def _double_quoted(self) -> str:
        text = self.text
        self.i += 1
        out: list[str] = []
        while self.i < len(text):
            char = text[self.i]
            if char == '"':
                self.i += 1
                break
            if char == "\\" and text[self.i + 1 : self.i + 2] in ('"', "\\", "$", "`", "\n"):
                nxt = text[self.i + 1]
                out.append("" if nxt == "\n" else nxt)
                self.i += 2
            elif char == "$":
                out.append(self._dollar())
            elif char == "`":
                self.complex = True
                end = text.find("`", self.i + 1)
                self.i = len(text) if end < 0 else end + 1
            else:
                out.append(char)
                self.i += 1
        return "".join(out)

    def _dollar(self) -> str:
        text, start = self.text, self.i
        nxt = text[start + 1 : start + 2]
        if nxt == "{":
            depth, end = 1, start + 2
            while end < len(text) and depth:
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                end += 1
            inner = text[start + 2 : end - 1]
            self.i = end
            return self._parameter(inner)
        if nxt == "(":
            self.complex = True
            depth, end = 1, start + 2
            while end < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
            self.i = end
            return ""
        name = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[start + 1 :])
        if name:
            self.i = start + 1 + name.end()
            return self.vars.get(name[0], "")
        if nxt and (nxt.isdigit() or nxt in "@*#?$!-"):
            self.i = start + 2
            self.complex = self.complex or nxt in "@*"
            return ""
        self.i = start + 1
        return "$"

    def _parameter(self, inner: str) -> str:
        match = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(:?[-+?=])?(.*)", inner, re.S)
        if not match:
            self.complex = True
            return ""
        name, op, word = match[1], match[2], match[3]
        value = self.vars.get(name)
        if op is None:
            if word:  # ${VAR#x}, ${VAR%x}, ...: not followed
                self.complex = True
            return value or ""
        alternative = _Lexer(word, self.vars).expand_all()
        empty = value is None or (op.startswith(":") and value == "")
        if op.endswith("-") or op.endswith("="):
            return alternative if empty else value or ""
        if op.endswith("+"):
            return "" if empty else alternative
        return value or ""  # ${VAR:?message}

    def expand_all(self) -> str:
        """The whole text as one word (no splitting on blanks)."""
        out: list[str] = []
        text = self.text
        while self.i < len(text):
            char = text[self.i]
            if char == "\\" and self.i + 1 < len(text):
                out.append(text[self.i + 1])
                self.i += 2
            elif char == "'":
                end = text.find("'", self.i + 1)
                end = len(text) if end < 0 else end
                out.append(text[self.i + 1 : end])
                self.i = end + 1
            elif char == '"':
                out.append(self._double_quoted())
            elif char == "$":
                out.append(self._dollar())
            else:
                out.append(char)
                self.i += 1
        return "".join(out)


def expand(text: str, variables: Mapping[str, str]) -> str:
    """``text`` as Docker reads one word of an instruction: quotes removed, variables
    expanded."""
    return _Lexer(text, variables).expand_all()


def raw_words(text: str) -> list[str]:
    """``text`` split on blanks outside quotes, the quotes kept (to expand word by word)."""
    words, current, quote, i = [], "", None, 0
    while i < len(text):
        char = text[i]
        if quote:
            current += char
            if char == quote:
                quote = None
            elif char == "\\" and quote == '"' and i + 1 < len(text):
                current += text[i + 1]
                i += 1
        elif char in "\"'":
            quote = char
            current += char
        elif char == "\\" and i + 1 < len(text):
            current += char + text[i + 1]
            i += 1
        elif char.isspace():
            if current:
                words.append(current)
            current = ""
        else:
            current += char
        i += 1
    if current:
        words.append(current)
    return words


def words_of(text: str, variables: Mapping[str, str]) -> list[str]:
    return [expand(word, variables) for word in raw_words(text)]


@dataclass
class ShellCommand:
    words: list[str]
    assignments: list[tuple[str, str]]
    redirects: list[tuple[str, str]]
    joiner: str  # how it follows the previous command: "", ";", "&&", "||", "|", "&"
    keyword: str | None = None  # then/else/do/{: inside a construct


_KEYWORDS = {"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done",
             "case", "esac", "function", "{", "}", "!", "[[", "select"}  # fmt: skip


def split_script(text: str) -> tuple[list[str], list[str], bool]:
    """A shell script cut at its top-level ``&&``, ``||``, ``;``, ``|``, ``&`` and line ends
    (outside quotes and substitutions): the pieces, the joiner before each, and whether it
    has constructs the model does not follow (subshells, substitutions)."""
    pieces, joiners, complex_ = [], [], False
    current, joiner, quote, depth, i = "", "", None, 0, 0
    while i < len(text):
        char = text[i]
        two = text[i : i + 2]
        if quote:
            current += char
            if char == quote:
                quote = None
            elif char == "\\" and quote == '"' and i + 1 < len(text):
                current += text[i + 1]
                i += 1
            i += 1
            continue
        if char in "\"'`":
            quote = char if char != "`" else "`"
            complex_ = complex_ or char == "`"
            current += char
        elif char == "\\" and i + 1 < len(text):
            current += "" if text[i + 1] == "\n" else two
            i += 1
        elif two == "$(":
            depth += 1
            complex_ = True
            current += two
            i += 1
        elif char == ")" and depth:
            depth -= 1
            current += char
        elif depth:
            current += char
        elif char == "#" and (not current or current[-1] in " \t\n;&|"):
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        elif two in ("&&", "||") or char in ";\n" or (char == "|" and text[i - 1 : i] != ">"):
            op = two if two in ("&&", "||") else (";" if char == "\n" else char)
            if two == ";;":
                complex_ = True
            pieces.append(current)
            joiners.append(joiner)
            current, joiner = "", op
            i += len(op) if op in ("&&", "||") else 1
            continue
        elif char == "&" and text[i - 1 : i] not in (">", "<") and two != "&>":
            pieces.append(current)
            joiners.append(joiner)
            current, joiner = "", "&"
        elif char in "()":
            complex_ = True
            current += " "
        else:
            current += char
        i += 1
    pieces.append(current)
    joiners.append(joiner)
    kept = [(p, j) for p, j in zip(pieces, joiners, strict=True) if p.strip()]
    return [p for p, _ in kept], [j for _, j in kept], complex_


def parse_command(text: str, variables: Mapping[str, str]) -> tuple[ShellCommand, bool]:
    """One simple command: its leading assignments, words and redirections, expanded."""
    lexer = _Lexer(text, variables, shell=True)
    tokens = lexer.tokens()
    words: list[str] = []
    assignments: list[tuple[str, str]] = []
    redirects: list[tuple[str, str]] = []
    keyword = None
    index = 0
    while index < len(tokens):
        kind, value = tokens[index]
        if kind == "op":
            if value in (">", ">>", "<", ">&", "&>", "<&", "<<"):
                target = tokens[index + 1][1] if index + 1 < len(tokens) else ""
                redirects.append((value, target))
                lexer.complex = lexer.complex or value == "<<"
                index += 2
                continue
            index += 1
            continue
        if not words and value in _KEYWORDS:
            keyword = value
            lexer.complex = True
            index += 1
            continue
        match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", value, re.S)
        if not words and match:
            assignments.append((match[1], match[2]))
        else:
            words.append(value)
        index += 1
    return ShellCommand(words, assignments, redirects, "", keyword), lexer.complex


# ------------------------------------------------------------------------------------------
# Base images


def _split_reference(reference: str) -> tuple[str, str]:
    ref = reference.split("@", 1)[0].lower()
    name, _, tag = ref.rpartition(":") if ":" in ref.split("/")[-1] else (ref, "", "latest")
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/", "mirror.gcr.io/",
                   "public.ecr.aws/docker/"):  # fmt: skip
        name = name.removeprefix(prefix)
    return name.removeprefix("library/"), tag or "latest"


def _version(tag: str) -> str | None:
    match = re.match(r"(\d+)\.(\d+)", tag)
    return f"{match[1]}.{match[2]}" if match else None


_UBUNTU = {"18.04": "3.6", "bionic": "3.6", "20.04": "3.8", "focal": "3.8", "22.04": "3.10",
           "jammy": "3.10", "24.04": "3.12", "noble": "3.12", "latest": "3.12",
           "24.10": "3.12", "oracular": "3.12", "25.04": "3.13", "plucky": "3.13",
           "rolling": "3.13", "25.10": "3.13", "devel": "3.13"}  # fmt: skip
_DEBIAN = {"buster": "3.7", "10": "3.7", "bullseye": "3.9", "11": "3.9", "bookworm": "3.11",
           "12": "3.11", "stable": "3.11", "latest": "3.11", "trixie": "3.13", "13": "3.13",
           "testing": "3.13", "sid": "3.13", "unstable": "3.13"}  # fmt: skip


def base_image(reference: str) -> Base:
    """What the model knows of the image ``reference`` (``python:3.12-slim``, ...)."""
    name, tag = _split_reference(reference)
    if name == "scratch":
        return Base(reference, "scratch", True, shell=False)
    if name == "python":
        distro = "alpine" if "alpine" in tag else "debian"
        return Base(reference, "python", True, distro, _version(tag), cmd=("python3",))
    if name.endswith("astral-sh/uv"):
        python = re.search(r"python(\d+\.\d+)", tag)
        if python:  # python3.12-bookworm-slim, 0.8-python3.12-alpine: a python image with uv
            distro = "alpine" if "alpine" in tag else "debian"
            return Base(reference, "uv", True, distro, python[1])
        if re.fullmatch(r"latest|\d+(\.\d+)*", tag):
            return Base(reference, "uv", True, None, shell=False)  # distroless: /uv, /uvx
        distro = "alpine" if "alpine" in tag else "debian"
        return Base(reference, "uv", False, distro)
    if name in ("ubuntu", "debian"):
        word = re.sub(r"-slim$", "", tag)
        table = _UBUNTU if name == "ubuntu" else _DEBIAN
        version = table.get(word, table.get(word.split(".")[0]))
        managed = version is not None and version >= "3.11"
        cmd = ("/bin/bash",) if name == "ubuntu" else ("bash",)
        return Base(reference, "os", version is not None, name, None, version, managed, cmd=cmd)
    if name == "alpine":
        minor = re.match(r"3\.(\d+)", tag)
        managed = tag in ("latest", "edge") or bool(minor and int(minor[1]) >= 19)
        return Base(reference, "os", True, "alpine", None, None, managed, cmd=("/bin/sh",))
    if name == "busybox":
        return Base(reference, "os", True, "busybox", cmd=("sh",))
    if name.startswith("gcr.io/distroless/python3"):
        return Base(reference, "distroless", False, "debian", None, shell="debug" in tag)
    if name in ("pytorch/pytorch", "continuumio/miniconda3", "continuumio/anaconda3",
                "condaforge/miniforge3", "condaforge/mambaforge"):  # fmt: skip
        return Base(reference, "conda", False, "ubuntu")
    return Base(reference, "unknown", False)


# ------------------------------------------------------------------------------------------
# The build context


@dataclass
class Context:
    """The build context as the builder receives it: the folder minus what .dockerignore
    keeps out."""

    root: Path
    ignore: DockerIgnore
    files: dict[str, Path] = field(default_factory=dict)  # relative path -> file
    dirs: set[str] = field(default_factory=set)
    excluded: dict[str, IgnoreRule] = field(default_factory=dict)

    @classmethod
    def read(cls, root: Path, dockerfile: str) -> Context:
        context = cls(root, _read_dockerignore(root, dockerfile))
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root).as_posix()
            rule = context.ignore.excluded_by(relative)
            if rule is not None:
                context.excluded[relative] = rule
            elif path.is_file():
                context.files[relative] = path
            elif path.is_dir():
                context.dirs.add(relative)
        return context

    def text(self, relative: str) -> str | None:
        path = self.files.get(relative)
        if path is None:
            return None
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def match(self, pattern: str) -> list[str]:
        """Entries (files and folders) matching a COPY source: a path or a glob."""
        if pattern in ("", "."):
            return ["."]
        if not any(char in pattern for char in "*?["):
            return [pattern] if pattern in self.files or pattern in self.dirs else []
        regex = re.compile(_glob_regex(pattern))
        depth = pattern.count("/")
        entries = sorted({*self.files, *self.dirs})
        return [e for e in entries if e.count("/") == depth and regex.fullmatch(e)]

    def under(self, folder: str) -> list[str]:
        """Files below ``folder`` ("." for all), relative to the context."""
        if folder == ".":
            return sorted(self.files)
        prefix = folder.rstrip("/") + "/"
        return sorted(f for f in self.files if f.startswith(prefix))


def _glob_regex(pattern: str) -> str:
    """Go's filepath.Match: ``*`` and ``?`` within one path part, ``[...]`` a class."""
    out, i = "", 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out += re.escape(char)
            else:
                inner = pattern[i + 1 : end]
                out += "[" + ("^" + inner[1:] if inner.startswith(("^", "!")) else inner) + "]"
                i = end
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        else:
            out += re.escape(char)
        i += 1
    return out


# ------------------------------------------------------------------------------------------
# Packages


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(spec: str) -> str | None:
    """The distribution a requirement names (``wandb==0.31``, ``wandb[media]>=0.30``,
    ``wandb @ https://...``, a wheel's file name), or None (a path, an option)."""
    spec = spec.strip().strip("\"'")
    if not spec or spec.startswith(("-", ".", "/", "~")) or "://" in spec.split("@")[0]:
        if spec.endswith(".whl"):
            return normalise(spec.rsplit("/", 1)[-1].split("-", 1)[0])
        return None
    if spec.endswith((".whl", ".tar.gz", ".zip")):
        return normalise(spec.rsplit("/", 1)[-1].split("-", 1)[0])
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec)
    return normalise(match[0]) if match else None


def pyproject_dependencies(text: str, groups: Iterable[str] = (), dev: bool = False) -> set[str]:
    """The dependencies a pyproject.toml declares ([project], uv's dev group, poetry's)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return set()
    project = data.get("project", {})
    specs: list[str] = list(project.get("dependencies", []) or [])
    optional = project.get("optional-dependencies", {}) or {}
    for group in groups:
        specs += list(optional.get(group, []) or [])
    dependency_groups = data.get("dependency-groups", {}) or {}
    for group in (*groups, *(["dev"] if dev else [])):
        specs += [s for s in dependency_groups.get(group, []) or [] if isinstance(s, str)]
    if dev:
        specs += list(data.get("tool", {}).get("uv", {}).get("dev-dependencies", []) or [])
    names = {requirement_name(spec) for spec in specs if isinstance(spec, str)}
    poetry = data.get("tool", {}).get("poetry", {})
    names |= {normalise(n) for n in (poetry.get("dependencies", {}) or {}) if n != "python"}
    return {name for name in names if name}


# ------------------------------------------------------------------------------------------
# The model


class DockerImage:
    """The image ``dockerfile`` builds from ``context``; ``final`` is its last stage."""

    def __init__(self, dockerfile: Dockerfile, context: Context) -> None:
        self.dockerfile = dockerfile
        self.context = context
        self.stages: list[Stage] = []
        self.global_args: dict[str, str | None] = {
            "TARGETOS": "linux", "TARGETARCH": "amd64", "TARGETPLATFORM": "linux/amd64",
            "BUILDOS": "linux", "BUILDARCH": "amd64", "BUILDPLATFORM": "linux/amd64",
        }  # fmt: skip
        self.notes: list[Note] = []

    # -- building ---------------------------------------------------------------------------

    def build(self) -> DockerImage:
        for instruction in self.dockerfile.preamble():
            if instruction.name == "ARG":
                for name, value in self._arg_pairs(instruction, self._global_vars()):
                    self.global_args[name] = value
            elif instruction.name not in ("COMMENT",):
                self.notes.append(Note(instruction, f"{instruction.name} before the first FROM"))
        for body in self.dockerfile.stages():
            stage = self._start_stage(body[0])
            self.stages.append(stage)
            for instruction in body[1:]:
                stage.instructions.append(instruction)
                try:
                    self._dispatch(stage, instruction)
                except Exception as error:  # the model's limit, never the build's verdict
                    stage.unsure.append(
                        Note(instruction, f"not followed by the model ({type(error).__name__})")
                    )
        return self

    def _global_vars(self) -> dict[str, str]:
        return {k: v for k, v in self.global_args.items() if v is not None}

    def _start_stage(self, instruction: Instruction) -> Stage:
        words = words_of(instruction.arguments(), self._global_vars())
        reference = words[0] if words else ""
        name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
        index = len(self.stages)
        parent = self.stage_named(reference)
        if parent is not None:
            stage = copy.deepcopy(parent)
            stage.index, stage.name, stage.instruction, stage.parent = (
                index,
                name,
                instruction,
                parent,
            )
            stage.errors, stage.unsure, stage.instructions = [], [], []
            stage.args = {}
            stage.cmd_set_here = False
            stage.depends = {parent.index}
            return stage
        base = base_image(reference)
        stage = Stage(index, name, instruction, base)
        self._init_base(stage)
        return stage

    def stage_named(self, name: str) -> Stage | None:
        lowered = name.lower()
        for stage in self.stages:
            if stage.name == lowered:
                return stage
        if lowered.isdigit() and int(lowered) < len(self.stages):
            return self.stages[int(lowered)]
        return None

    def _init_base(self, stage: Stage) -> None:
        base, label = stage.base, "base"
        if base.family != "scratch":
            for folder in _FHS:
                stage.dirs[P(folder)] = None
        stage.env["PATH"] = (DEFAULT_PATH, None)
        if base.shell and base.family != "scratch":
            for shell in ("/bin/sh",) + (
                ("/bin/bash", "/bin/dash") if base.distro != "alpine" else ("/bin/ash",)
            ):
                stage.programs[P(shell)] = Program(P(shell), "shell", None, None, label)
            stage.programs[P("/usr/bin/env")] = Program(
                P("/usr/bin/env"), "tool", None, None, label
            )
        if base.family in ("python", "uv") and (base.python_version or base.known):
            version = base.python_version
            env = PythonEnv(P("/usr/local"), "system", version, None, label,
                            sites=(_site(P("/usr/local"), version),))  # fmt: skip
            stage.envs.append(env)
            names = ["python", "python3", "pip", "pip3"]
            if version:
                names += [f"python{version}", f"pip{version}"]
            for program in names:
                kind = "python" if program.startswith("python") else "pip"
                path = P("/usr/local/bin") / program
                stage.programs[path] = Program(path, kind, env, None, label)
            stage.env["LANG"] = ("C.UTF-8", None)
            if version:
                stage.env["PYTHON_VERSION"] = (version, None)
        if base.family == "uv":
            folder = P("/usr/local/bin") if base.shell else ROOT
            for program in ("uv", "uvx"):
                path = folder / program
                stage.programs[path] = Program(path, "uv", None, None, label)
        if base.family == "conda":
            env = PythonEnv(P("/opt/conda"), "conda", None, None, label,
                            sites=(_site(P("/opt/conda"), None),))  # fmt: skip
            stage.envs.append(env)
            for program in ("python", "python3", "pip", "pip3", "conda"):
                kind = {"conda": "tool"}.get(program, "python" if "python" in program else "pip")
                path = P("/opt/conda/bin") / program
                stage.programs[path] = Program(path, kind, env, None, label)
            stage.env["PATH"] = ("/opt/conda/bin:" + DEFAULT_PATH, None)
        if base.family == "distroless":
            env = PythonEnv(P("/usr"), "system", None, None, label, has_pip=False,
                            sites=(_site(P("/usr"), None),))  # fmt: skip
            stage.envs.append(env)
            path = P("/usr/bin/python3")
            stage.programs[path] = Program(path, "python", env, None, label)
        if base.cmd is not None:
            fake = Instruction("CMD", stage.instruction.line, json_list(base.cmd))
            stage.cmd = Command(fake, base.cmd, None, from_base=True)

    def _dispatch(self, stage: Stage, instruction: Instruction) -> None:
        handler = getattr(self, "_do_" + instruction.name.lower(), None)
        if handler is not None:
            handler(stage, instruction)
        elif instruction.name not in _IGNORED:
            stage.unsure.append(Note(instruction, f"{instruction.name} is not an instruction"))

    def _arg_pairs(self, instruction: Instruction, variables: Mapping[str, str]):
        for raw in raw_words(instruction.arguments()):
            name, sep, value = raw.partition("=")
            yield name, (expand(value, variables) if sep else None)

    def _do_arg(self, stage: Stage, instruction: Instruction) -> None:
        for name, value in self._arg_pairs(instruction, stage.variables()):
            if value is None:
                value = self.global_args.get(name)
            stage.args[name] = value

    def _do_env(self, stage: Stage, instruction: Instruction) -> None:
        variables = stage.variables()
        text = instruction.arguments()
        first = raw_words(text)[:1]
        if first and "=" not in first[0]:
            name, _, value = text.strip().partition(" ")
            stage.env[name] = (expand(value.strip(), variables), instruction)
            return
        for raw in raw_words(text):
            name, sep, value = raw.partition("=")
            if sep:
                stage.env[name] = (expand(value, variables), instruction)

    def _do_workdir(self, stage: Stage, instruction: Instruction) -> None:
        path = expand(instruction.arguments().strip(), stage.variables())
        target = _resolve(stage.workdir, path)
        if target in stage.files:
            stage.errors.append(
                Note(instruction, f"WORKDIR {target}: a file of that name is there")
            )
        stage.workdir, stage.workdir_by = target, instruction
        stage.add_dir(target, instruction)

    def _do_user(self, stage: Stage, instruction: Instruction) -> None:
        user = expand(instruction.arguments().strip(), stage.variables()).split(":")[0]
        stage.user, stage.user_by = user or "root", instruction

    def _do_shell(self, stage: Stage, instruction: Instruction) -> None:
        words = exec_form(instruction.arguments())
        if words:
            stage.shell = words

    def _do_cmd(self, stage: Stage, instruction: Instruction) -> None:
        stage.cmd = _command(instruction)
        stage.cmd_set_here = True

    def _do_entrypoint(self, stage: Stage, instruction: Instruction) -> None:
        stage.entrypoint = _command(instruction)
        if not stage.cmd_set_here:
            stage.cmd = None  # an ENTRYPOINT resets the CMD the stage inherited

    # -- COPY / ADD -------------------------------------------------------------------------

    def _do_add(self, stage: Stage, instruction: Instruction) -> None:
        self._do_copy(stage, instruction)

    def _do_copy(self, stage: Stage, instruction: Instruction) -> None:
        variables = stage.variables()
        flags, rest = instruction.split_flags()
        flag = {k: expand(v[-1], variables) for k, v in flags.items()}
        listed = exec_form(rest)
        if listed is not None:
            words = [expand(word, variables) for word in listed]
        else:
            words = words_of(rest, variables)
        if len(words) < 2:
            stage.errors.append(
                Note(instruction, f"{instruction.name} needs a source and a destination")
            )
            return
        sources, dest_word = words[:-1], words[-1]
        into = dest_word.endswith("/") or dest_word in (".", "..") or dest_word.endswith("/.")
        dest = _resolve(stage.workdir, dest_word)
        owner = (flag.get("chown") or stage.user or "root").split(":")[0]
        excludes = [re.compile(_glob_regex(p)) for p in flags.get("exclude", [])]
        copy_ = _Copy(
            instruction, dest, into, owner, _mode(flag.get("chmod")), excludes, "parents" in flags
        )
        source_stage: Stage | None = None
        if "from" in flag:
            source_stage = self.stage_named(flag["from"])
            if source_stage is not None and source_stage.index >= stage.index:
                stage.errors.append(
                    Note(instruction, f"--from={flag['from']}: not an earlier stage")
                )
                return
            if source_stage is None:
                names = [s.name for s in self.stages if s.name]
                close = difflib.get_close_matches(flag["from"].lower(), names, n=1, cutoff=0.75)
                if close:
                    stage.errors.append(Note(instruction, (
                        f"--from={flag['from']}: no stage of that name (did you mean {close[0]}?); "
                        "Docker looks for an image called so instead")))  # fmt: skip
                    return
                self._copy_from_image(stage, instruction, flag["from"], sources, dest, into)
                return
            stage.depends.add(source_stage.index)
        heredocs = dict(instruction.heredocs)
        items: list[tuple[str, object]] = []  # ("heredoc", (name, body)) / ("stage", path) / ...
        for source in sources:
            heredoc = source[2:].lstrip("-").strip("\"'") if source.startswith("<<") else None
            if heredoc in heredocs:
                items.append(("heredoc", (heredoc, heredocs[heredoc])))
            elif source_stage is not None:
                items += [
                    ("stage", path) for path in self._from_stage(stage, source_stage, source, copy_)
                ]
            elif re.match(r"[a-z]+://", source) or source.startswith("git@"):
                self._remote(stage, copy_, source)
            else:
                items += [("context", path) for path in self._from_context(stage, source, copy_)]
        if len(items) > 1 and not into and not stage.is_dir(dest):
            stage.unsure.append(Note(instruction, (
                f"several sources to {dest_word}, which does not end with /: the classic builder "
                f"refuses, BuildKit writes each over the file {dest}")))  # fmt: skip
        for kind, payload in items:
            if kind == "heredoc":
                name, body = payload  # type: ignore[misc]
                target = dest / name if into or stage.is_dir(dest) else dest
                stage.put(
                    ImageFile(
                        target,
                        instruction,
                        stage.label,
                        content=body,
                        owner=copy_.owner,
                        mode=copy_.mode,
                    )
                )
            elif kind == "context":
                self._copy_context(stage, payload, copy_)  # type: ignore[arg-type]
            else:
                self._copy_stage(stage, source_stage, payload, copy_)  # type: ignore[arg-type]

    def _from_stage(self, stage: Stage, source_stage: Stage, source: str, copy_: _Copy) -> list[P]:
        found = list(self._stage_matches(source_stage, source))
        if not found:
            path = _resolve(ROOT, source)
            if source_stage.knows_absent(path) and not any(c in source for c in "*?["):
                stage.errors.append(
                    Note(copy_.instruction, f"{source}: not in {source_stage.shown()}")
                )
            else:
                stage.unsure.append(
                    Note(
                        copy_.instruction, f"{source} from stage {source_stage.label}: not modelled"
                    )
                )
                target = (
                    copy_.dest / path.name if copy_.into or stage.is_dir(copy_.dest) else copy_.dest
                )
                self._unknown_at(stage, copy_.instruction, target)
        return found

    def _remote(self, stage: Stage, copy_: _Copy, source: str) -> None:
        if copy_.instruction.name != "ADD":
            stage.errors.append(Note(copy_.instruction, f"COPY cannot fetch {source}"))
            return
        name = source.rstrip("/").rsplit("/", 1)[-1]
        target = copy_.dest / name if copy_.into else copy_.dest
        stage.put(ImageFile(target, copy_.instruction, stage.label))

    def _from_context(self, stage: Stage, source: str, copy_: _Copy) -> list[str]:
        relative = posixpath.normpath(source.lstrip("/")) if source.strip("/") else "."
        if relative.startswith(".."):
            stage.errors.append(Note(copy_.instruction, f"{source}: outside the build context"))
            return []
        matches = self.context.match(relative)
        if matches:
            return matches
        rule = self._excluded(relative)
        if rule is not None:
            pattern = ("!" if rule.exception else "") + rule.pattern
            where = f"{self.context.ignore.file} line {rule.line} ({pattern})"
            stage.errors.append(Note(copy_.instruction, f"{source}: excluded by {where}"))
        elif any(char in relative for char in "*?["):
            pass  # a glob that matches nothing copies nothing (BuildKit)
        elif P(relative).name in (".env", ".netrc", "_netrc"):
            # left out of the submission on purpose (git-ignored): the student's own build has
            # it; the secret check judges the COPY
            into = copy_.into or stage.is_dir(copy_.dest)
            target = copy_.dest / P(relative).name if into else copy_.dest
            stage.put(
                ImageFile(
                    target, copy_.instruction, stage.label, source=relative, owner=copy_.owner
                )
            )
        else:
            stage.errors.append(Note(copy_.instruction, f"{source}: not in the build context"))
        return []

    def _excluded(self, relative: str) -> IgnoreRule | None:
        return self.context.excluded.get(relative)

    def _copy_context(self, stage: Stage, relative: str, copy_: _Copy) -> None:
        instruction, dest = copy_.instruction, copy_.dest

        def put(file: str, target: P) -> None:
            entry = ImageFile(target, instruction, stage.label, source=file, owner=copy_.owner)
            entry.mode = copy_.mode
            stage.put(entry)

        if relative == "." or relative in self.context.dirs:
            stage.add_dir(dest, instruction)
            for file in self.context.under(relative):
                inner = file if relative == "." else file[len(relative) + 1 :]
                if not any(rx.fullmatch(inner) or rx.fullmatch(file) for rx in copy_.excludes):
                    put(file, dest / (file if copy_.parents else inner))
            for folder in self.context.dirs:
                if relative == "." or folder.startswith(relative + "/"):
                    inner = folder if relative == "." else folder[len(relative) + 1 :]
                    stage.add_dir(dest / (folder if copy_.parents else inner), instruction)
            return
        if any(rx.fullmatch(relative) or rx.fullmatch(P(relative).name) for rx in copy_.excludes):
            return
        if instruction.name == "ADD" and re.search(_ARCHIVE, relative):
            stage.unsure.append(
                Note(instruction, f"ADD unpacks {relative} into {dest}: not modelled")
            )
            stage.add_dir(dest, instruction)
            return
        if copy_.parents:
            put(relative, dest / relative)
        elif copy_.into or stage.is_dir(dest):
            put(relative, dest / P(relative).name)
        else:
            put(relative, dest)

    def _stage_matches(self, source: Stage, pattern: str):
        path = _resolve(ROOT, pattern)
        if not any(char in pattern for char in "*?["):
            if path in source.files or path in source.programs or source.is_dir(path) is True:
                yield path
            return
        regex = re.compile(_glob_regex(str(path)))
        seen = set()
        for candidate in (*source.files, *source.programs, *source.dirs):
            for item in (candidate, *candidate.parents):
                if (
                    item not in seen
                    and str(item).count("/") == str(path).count("/")
                    and regex.fullmatch(str(item))
                ):
                    seen.add(item)
                    yield item

    def _copy_stage(self, stage: Stage, source: Stage, path: P, copy_: _Copy) -> None:
        """COPY --from=stage: its files, programs, environments and installs below ``path``."""
        instruction, dest, into_folder = copy_.instruction, copy_.dest, copy_.into
        owner, mode = copy_.owner, copy_.mode
        is_dir = (
            source.is_dir(path) is True and path not in source.files and path not in source.programs
        )
        if is_dir:
            target_root = dest
        else:
            target_root = dest / path.name if into_folder or stage.is_dir(dest) else dest

        def rebase(item: P) -> P | None:
            if item == path:
                return target_root
            if is_dir and _below(item, path):
                return target_root / item.relative_to(path)
            return None

        stage.add_dir(target_root if is_dir else target_root.parent, instruction)
        for entry in list(source.files.values()):
            target = rebase(entry.path)
            if target is not None and not entry.temporary:
                copied = copy.copy(entry)
                copied.path, copied.owner = target, owner
                copied.mode = mode if mode is not None else entry.mode
                stage.put(copied)
        for folder in list(source.dirs):
            target = rebase(folder)
            if target is not None:
                stage.add_dir(target, instruction)
        env_map: dict[int, PythonEnv] = {}
        for env in source.envs:
            target = rebase(env.location)
            if target is not None:
                moved = copy.copy(env)
                moved.location = target
                moved.sites = tuple(rebase(s) or s for s in env.sites)
                stage.envs.append(moved)
                env_map[id(env)] = moved
        for program in source.programs.values():
            target = rebase(program.path)
            if target is not None:
                env = env_map.get(id(program.env), program.env) if program.env else None
                stage.programs[target] = Program(
                    target, program.kind, env, program.instruction, program.stage
                )
        for install in source.installs:
            if install.site is None:
                continue
            target = rebase(install.site)
            if target is None and is_dir and _below(path, install.site):
                target = None  # a part of a site-packages folder: not modelled
            if target is not None:
                moved = copy.copy(install)
                moved.site, moved.copied_by = target, instruction
                moved.env = env_map.get(id(install.env)) if install.env else None
                stage.installs.append(moved)

    def _copy_from_image(self, stage: Stage, instruction: Instruction, image: str,
                         sources: list[str], dest: P, into_folder: bool) -> None:  # fmt: skip
        base = base_image(image)
        for source in sources:
            name = P(source).name
            target = dest / name if into_folder or stage.is_dir(dest) or len(sources) > 1 else dest
            if base.family == "uv" and name in ("uv", "uvx"):
                stage.programs[target] = Program(target, "uv", None, instruction, stage.label)
                stage.add_dir(target.parent, instruction)
            else:
                self._unknown_at(stage, instruction, target)

    def _unknown_at(self, stage: Stage, instruction: Instruction, target: P) -> None:
        stage.put(ImageFile(target, instruction, stage.label))
        stage.unsure.append(Note(instruction, f"what {target} holds is not modelled"))

    # -- RUN --------------------------------------------------------------------------------

    def _do_run(self, stage: Stage, instruction: Instruction) -> None:
        flags, rest = instruction.split_flags()
        variables = stage.variables()
        mounts = self._mounts(stage, instruction, flags.get("mount", []), variables)
        for entry in mounts:
            stage.files.setdefault(entry.path, entry)
        runner = _Run(self, stage, instruction)
        try:
            listed = exec_form(rest)
            if listed is not None:
                runner.command(ShellCommand(listed, [], [], ""))
            else:
                script = rest
                for name, body in instruction.heredocs:
                    stripped = rest.strip()
                    if re.fullmatch(rf"<<-?[\"']?{name}[\"']?", stripped):
                        script = body
                    else:
                        runner.unsure("a heredoc fed to a command")
                runner.script(script)
        finally:
            for entry in mounts:
                if stage.files.get(entry.path) is entry:
                    del stage.files[entry.path]

    def _mounts(
        self, stage: Stage, instruction: Instruction, specs: list[str], variables
    ) -> list[ImageFile]:
        found = []
        for spec in specs:
            options = dict(part.partition("=")[::2] for part in expand(spec, variables).split(","))
            if options.get("type", "bind") != "bind":
                continue
            target = _resolve(
                stage.workdir,
                options.get("target") or options.get("dst") or options.get("destination") or "/",
            )
            source = (options.get("source") or options.get("src") or ".").lstrip("/") or "."
            origin = options.get("from")
            if origin:
                other = self.stage_named(origin)
                if other is not None:
                    stage.depends.add(other.index)
                    entry = other.files.get(_resolve(ROOT, source))
                    if entry is not None:
                        moved = copy.copy(entry)
                        moved.path, moved.temporary = target, True
                        found.append(moved)
                continue
            relative = posixpath.normpath(source)
            if relative in self.context.files:
                found.append(
                    ImageFile(target, instruction, stage.label, source=relative, temporary=True)
                )
            elif relative == "." or relative in self.context.dirs:
                for file in self.context.under(relative):
                    inner = file if relative == "." else file[len(relative) + 1 :]
                    found.append(
                        ImageFile(
                            target / inner, instruction, stage.label, source=file, temporary=True
                        )
                    )
            else:
                stage.errors.append(
                    Note(instruction, f"--mount source {source}: not in the build context")
                )
        return found

    # -- reading the model ------------------------------------------------------------------

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def needed(self) -> list[Stage]:
        """The final stage and every stage it is built from or copies from (BuildKit builds
        only those)."""
        wanted, todo = set(), [self.final.index]
        while todo:
            index = todo.pop()
            if index in wanted:
                continue
            wanted.add(index)
            todo.extend(self.stages[index].depends)
        return [stage for stage in self.stages if stage.index in wanted]

    def build_errors(self) -> list[Note]:
        """What would make ``docker build`` fail (in the stages the final one needs)."""
        return [note for stage in self.needed() for note in stage.errors]

    def unsure(self) -> list[Note]:
        """What the model could not follow, in the stages the final one needs."""
        return [
            note
            for stage in self.needed()
            for note in (*stage.unsure, *stage.opaque, *stage.unfollowed)
        ]

    def root_base(self, stage: Stage | None = None) -> str:
        stage = stage or self.final
        while stage.parent is not None:
            stage = stage.parent
        return stage.base.reference

    def copies_of(self, source: str) -> list[tuple[Stage, ImageFile]]:
        """Every file of every stage that is a copy of the context's ``source``."""
        return [
            (stage, entry)
            for stage in self.stages
            for entry in stage.files.values()
            if entry.source == source and not entry.temporary
        ]

    def context_state(self, source: str) -> IgnoreRule | bool:
        """True: the context holds ``source``; an IgnoreRule: .dockerignore keeps it out;
        False: the folder has no such file."""
        if source in self.context.files:
            return True
        return self.context.excluded.get(source) or False

    def installs_of(self, package: str) -> list[tuple[Stage, Install]]:
        return [
            (stage, install)
            for stage in self.stages
            for install in stage.installs
            if install.has(package) is not False
        ]

    def assignments(self, variable: str) -> list[tuple[Instruction, str | None]]:
        """ENV and ARG instructions (any stage, and global ARGs) naming ``variable``, with the
        value as written (None: declared without one)."""
        found = []
        for instruction in self.dockerfile.all("ENV", "ARG"):
            text = instruction.arguments()
            first = raw_words(text)[:1]
            if instruction.name == "ENV" and first and "=" not in first[0]:
                name, _, value = text.strip().partition(" ")
                pairs = [(name, value.strip() or None)]
            else:
                pairs = [
                    (n, v if s else None) for n, s, v in (w.partition("=") for w in raw_words(text))
                ]
            for name, value in pairs:
                if name == variable:
                    found.append((instruction, _strip_quotes(value)))
        return found

    def launch(self, runtime_env: Mapping[str, str] | None = None) -> Launch:
        """What ``docker run IMAGE`` starts, resolved against the final stage."""
        return _Launcher(self, dict(runtime_env or {})).resolve()

    def importable(self, package: str, launch: Launch) -> Verdict:
        """Whether the Python ``launch`` runs can import ``package``."""
        python = launch.python
        stage = self.final
        if python is None:
            return Verdict(None, "the model does not know which Python runs")
        if launch.uv_with and normalise(package) in launch.uv_with:
            return Verdict(True, f"uv run --with {package}")
        env = python.env
        if env is None:
            return Verdict(None, f"{python.path}: its environment is not modelled")
        paths = launch.sys_path(stage)
        candidates = [i for i in stage.installs if i.has(package)]
        candidates += [i for i in stage.installs if i.has(package) is None]
        unknown = [i for i in candidates if i.site is None]
        for install in candidates:
            if install.site is not None and any(_same_site(install.site, p) for p in paths):
                return Verdict(install.has(package), install.shown(), (install.instruction,))
        if unknown:
            return Verdict(None, unknown[0].shown(), (unknown[0].instruction,))
        if not stage.base.known and env.instruction is None:
            return Verdict(None, "the base image is not one the model knows")
        return Verdict(False, f"{python.path} is {env.shown()}", ())


@dataclass(frozen=True)
class _Copy:
    """What one COPY/ADD does with each source."""

    instruction: Instruction
    dest: P
    into: bool  # the destination is a folder by its spelling (a trailing /, ".")
    owner: str
    mode: int | None
    excludes: list[re.Pattern[str]]
    parents: bool


_ARCHIVE = r"\.(tar|tgz|tar\.gz|tar\.bz2|tar\.xz|txz|tbz2)$"
_IGNORED = {"LABEL", "EXPOSE", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "ONBUILD", "MAINTAINER"}


def _strip_quotes(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _command(instruction: Instruction) -> Command:
    words = exec_form(instruction.arguments())
    if words is not None:
        return Command(instruction, tuple(words), None)
    return Command(instruction, None, instruction.arguments())


def _resolve(cwd: P, path: str) -> P:
    if not path:
        return cwd
    joined = path if path.startswith("/") else posixpath.join(str(cwd), path)
    normal = posixpath.normpath(joined)
    return P("/" + normal.lstrip("/"))


def _below(path: P, folder: P) -> bool:
    return path != folder and (
        folder == ROOT or str(path).startswith(str(folder).rstrip("/") + "/")
    )


def _site(prefix: P, version: str | None, kind: str = "site-packages") -> P:
    return prefix / "lib" / (f"python{version}" if version else _VERSION_PART) / kind


def _same_site(a: P, b: P) -> bool:
    pa, pb = a.parts, b.parts
    if len(pa) != len(pb):
        return False
    for x, y in zip(pa, pb, strict=True):
        if x == y:
            continue
        if _VERSION_PART in (x, y) and x.startswith("python") and y.startswith("python"):
            continue
        return False
    return True


def _mode(text: str | None) -> int | None:
    if not text:
        return None
    try:
        return int(text, 8)
    except ValueError:
        return 0o755 if "x" in text else 0o644


# ------------------------------------------------------------------------------------------
# Following a RUN


class _Run:
    """One RUN's shell script, command by command: what it installs, creates and moves."""

    def __init__(self, image: DockerImage, stage: Stage, instruction: Instruction) -> None:
        self.image, self.stage, self.instruction = image, stage, instruction
        self.cwd = stage.workdir
        self.vars = stage.variables()
        self.vars.setdefault("HOME", str(stage.home()))
        self.vars.setdefault("PATH", DEFAULT_PATH)
        self.text = ""
        self.depth = 0
        self.piece = ""  # the text of the command being followed

    def unsure(self, what: str) -> None:
        self.stage.unsure.append(Note(self.instruction, what))

    def error(self, what: str) -> None:
        self.stage.errors.append(Note(self.instruction, what))

    def script(self, text: str) -> None:
        self.text = text
        pieces, joiners, _ = split_script(text)
        if re.search(r"astral\.sh/uv", text) and re.search(
            r"\|\s*(sudo\s+)?(env\s+\S+=\S+\s+)?(ba)?sh\b", text
        ):
            home = P(self.vars.get("HOME", "/root"))
            folder = self.vars.get("UV_INSTALL_DIR") or self.vars.get("XDG_BIN_HOME")
            for where in [P(folder)] if folder else [home / ".local/bin", home / ".cargo/bin"]:
                for program in ("uv", "uvx"):
                    path = where / program
                    self.stage.programs[path] = Program(
                        path, "uv", None, self.instruction, self.stage.label
                    )
        for piece, joiner in zip(pieces, joiners, strict=True):
            command, _ = parse_command(piece, self.vars)
            command.joiner = joiner
            self.piece = piece
            self.command(command)

    def command(self, command: ShellCommand) -> None:
        words = list(command.words)
        for name, value in command.assignments:
            if not words:
                self.vars[name] = value
        while words and words[0] in ("sudo", "exec", "command", "time", "nohup", "builtin"):
            words = words[1:]
            while words and words[0].startswith("-") and words[0] != "--":
                words = words[1:]
        if words and P(words[0]).name == "env":
            words = words[1:]
            while words and ("=" in words[0] or words[0].startswith("-")):
                words = words[1:]
        for op, target in command.redirects:
            if (
                op in (">", ">>", "&>")
                and target
                and not target.startswith("/dev/")
                and not target.isdigit()
            ):
                path = _resolve(self.cwd, target)
                if path not in self.stage.files:
                    self.stage.put(ImageFile(path, self.instruction, self.stage.label))
        if not words:
            return
        program, args = (words[0] if words[0] == "." else P(words[0]).name), words[1:]
        if command.joiner == "|" and program in SHELLS:
            return  # curl ... | sh: handled with the installer's address
        if program in SHELLS and len(args) >= 2 and re.fullmatch(r"-[a-z]*c[a-z]*", args[0]):
            saved = self.text
            self.script(args[1])
            self.text = saved
            return
        if program in SHELLS and args and not args[0].startswith("-"):
            self._script_file(args[0], words)
            return
        if program == "tee":
            for path in self._paths(args):
                if not str(path).startswith("/dev/"):
                    self.stage.put(ImageFile(path, self.instruction, self.stage.label))
            return
        if program == "install" and "-d" not in args:
            self._transfer([a for a in args if not a.startswith("-")], move=False)
            return
        handler = {
            "cd": self._cd, "export": self._export, "source": self._source, ".": self._source,
            "mkdir": self._mkdir, "mv": self._mv, "cp": self._cp, "rm": self._rm,
            "ln": self._ln, "chmod": self._chmod, "virtualenv": self._virtualenv,
            "apt-get": self._apt, "apt": self._apt, "apk": self._apk, "uv": self._uv,
            "useradd": self._useradd, "adduser": self._useradd,
            "update-alternatives": self._alternatives, "conda": self._conda,
            "mamba": self._conda, "micromamba": self._conda, "poetry": self._project_tool,
            "pipenv": self._project_tool, "pdm": self._project_tool, "hatch": self._project_tool,
        }.get(program)  # fmt: skip
        if handler is not None:
            handler(words[0], args)
        elif _PYTHON.fullmatch(program):
            self._python(words[0], args)
        elif _PIP.fullmatch(program):
            found = self._which(words[0])
            if found is None and self._knows_programs():
                self.error(f"{words[0]}: no such program in the image at that point")
            elif args[:1] == ["install"] or args[:1] == ["sync"]:
                self._pip(words[0], args, found.env if found else None)
        elif program in _OPAQUE or (program in ("wget", "curl") and _writes_output(args)):
            self._unfollowed(words)
            self.stage.opaque.append(
                Note(self.instruction, f"{program} may write files the model does not follow")
            )
        elif words[0].startswith(("./", "/")) and not self.stage.programs.get(
            _resolve(self.cwd, words[0])
        ):
            self._script_file(words[0], words)
        elif program not in _HARMLESS:
            self._unfollowed(words)

    def _script_file(self, word: str, words: list[str]) -> None:
        """A script of the image run by the RUN: followed when the model knows its text (in
        a subshell: its cd and variables do not last)."""
        entry = self.stage.files.get(_resolve(self.cwd, word))
        text = None
        if entry is not None and not entry.changed:
            text = entry.content
            if text is None and entry.source:
                text = self.image.context.text(entry.source)
        if text is not None and self.depth < 3 and not word.endswith(".py"):
            saved = (self.cwd, dict(self.vars), self.text)
            self.depth += 1
            try:
                self.script(text)
            finally:
                self.depth -= 1
                self.cwd, self.vars, self.text = saved
            return
        what = f"{word} may write files and install packages the model does not follow"
        self.stage.opaque.append(Note(self.instruction, what))
        self.stage.installs.append(Install(None, None, self.instruction, self.stage.label, word))
        self._unfollowed(words)

    def _unfollowed(self, words: list[str]) -> None:
        if "wandb" in words[1:] or any("wandb" in w and "install" in words for w in words):
            self.stage.installs.append(
                Install(None, None, self.instruction, self.stage.label, words[0])
            )
        for word in words[1:]:
            if not word.startswith("-"):
                entry = self.stage.files.get(_resolve(self.cwd, word))
                if entry is not None:
                    entry.changed = True
        self.stage.unfollowed.append(
            Note(self.instruction, f"`{' '.join(words)[:60]}`: taken to succeed")
        )

    def _knows_programs(self) -> bool:
        return self.stage.base.known and not self.stage.opaque

    # shell builtins
    def _cd(self, _, args: list[str]) -> None:
        self.cwd = _resolve(self.cwd, args[0] if args else self.vars.get("HOME", "/root"))

    def _export(self, _, args: list[str]) -> None:
        for word in args:
            name, sep, value = word.partition("=")
            if sep:
                self.vars[name] = value

    def _source(self, _, args: list[str]) -> None:
        if args and args[0].endswith("bin/activate"):
            venv = _resolve(self.cwd, args[0]).parent.parent
            self.vars["VIRTUAL_ENV"] = str(venv)
            self.vars["PATH"] = f"{venv}/bin:" + self.vars.get("PATH", DEFAULT_PATH)

    # files
    def _paths(self, args: list[str]) -> list[P]:
        return [_resolve(self.cwd, a) for a in args if not a.startswith("-")]

    def _mkdir(self, _, args: list[str]) -> None:
        for path in self._paths(args):
            self.stage.add_dir(path, self.instruction)

    def _matching(self, path: P) -> list[P]:
        if not any(char in str(path) for char in "*?["):
            return [path]
        regex = re.compile(_glob_regex(str(path)))
        items = {*self.stage.files, *self.stage.dirs}
        return sorted(p for p in items if regex.fullmatch(str(p)))

    def _entries_at(self, path: P) -> list[tuple[P, ImageFile]]:
        if path in self.stage.files:
            return [(path, self.stage.files[path])]
        return [(p, e) for p, e in self.stage.files.items() if _below(p, path)]

    def _transfer(self, args: list[str], move: bool) -> None:
        paths = self._paths(args)
        if len(paths) < 2:
            return
        sources = [m for p in paths[:-1] for m in self._matching(p)]
        dest = paths[-1]
        into = len(sources) > 1 or self.stage.is_dir(dest) is True or args[-1].endswith("/")
        for source in sources:
            entries = self._entries_at(source)
            if not entries and self.stage.is_dir(source) is not True:
                if self.stage.base.known and not self.stage.unsure:
                    continue
                self.unsure(f"{source}: not followed")
                continue
            target_root = dest / source.name if into else dest
            for path, entry in entries:
                target = target_root if path == source else target_root / path.relative_to(source)
                moved = copy.copy(entry)
                moved.path = target
                if move:
                    del self.stage.files[path]
                self.stage.put(moved)
            for program in list(self.stage.programs.values()):
                if program.path == source or _below(program.path, source):
                    target = (
                        target_root
                        if program.path == source
                        else target_root / program.path.relative_to(source)
                    )
                    self.stage.programs[target] = Program(
                        target, program.kind, program.env, self.instruction, self.stage.label
                    )
                    if move:
                        del self.stage.programs[program.path]

    def _mv(self, _, args: list[str]) -> None:
        self._transfer(args, move=True)

    def _cp(self, _, args: list[str]) -> None:
        self._transfer(args, move=False)

    def _rm(self, _, args: list[str]) -> None:
        for path in self._paths(args):
            if str(path).startswith("/var/lib/apt/lists"):
                self.stage.apt_lists = False
            for item in self._matching(path):
                for found, entry in self._entries_at(item):
                    self.stage.files.pop(found, None)
                    self.stage.removed.append((entry, self.instruction))
                self.stage.dirs.pop(item, None)

    def _ln(self, _, args: list[str]) -> None:
        paths = self._paths(args)
        if len(paths) < 2:
            return
        target, link = paths[0], paths[1]
        if self.stage.is_dir(link) is True and link not in self.stage.programs:
            link = link / target.name
        if target in self.stage.programs:
            program = self.stage.programs[target]
            self.stage.programs[link] = Program(
                link, program.kind, program.env, self.instruction, self.stage.label
            )
        elif target in self.stage.files:
            linked = copy.copy(self.stage.files[target])
            linked.path = link
            self.stage.put(linked)

    def _alternatives(self, _, args: list[str]) -> None:
        if "--install" in args:
            rest = args[args.index("--install") + 1 :]
            if len(rest) >= 3:
                self._ln("ln", ["-s", rest[2], rest[0]])

    def _chmod(self, _, args: list[str]) -> None:
        words = [a for a in args if not a.startswith("-")]
        if len(words) < 2:
            return
        mode = words[0]
        executable = ("x" in mode and "-x" not in mode) or (
            mode.isdigit() and int(mode[-1]) & 1 == 1
        )
        for path in self._paths(words[1:]):
            for item in self._matching(path):
                for _found, entry in self._entries_at(item):
                    entry.executable = executable

    def _useradd(self, program: str, args: list[str]) -> None:
        names = [a for a in args if not a.startswith("-")]
        if not names:
            return
        name = names[-1]
        home = None
        for flag in ("-d", "--home", "--home-dir", "-h"):
            if flag in args and args.index(flag) + 1 < len(args):
                home = args[args.index(flag) + 1]
        self.stage.homes[name] = P(home) if home else P("/home") / name
        creates = program == "adduser" or any(a in ("-m", "--create-home") for a in args)
        if creates:
            self.stage.add_dir(self.stage.homes[name], self.instruction)

    # Python
    def _program_env(self, word: str) -> PythonEnv | None:
        program = self._which(word)
        return program.env if program is not None else None

    def _which(self, word: str) -> Program | None:
        if "/" in word:
            return self.stage.programs.get(_resolve(self.cwd, word))
        for folder in self.vars.get("PATH", DEFAULT_PATH).split(":"):
            if folder and (P(folder) / word) in self.stage.programs:
                return self.stage.programs[P(folder) / word]
        return None

    def _python(self, word: str, args: list[str]) -> None:
        program = self._which(word)
        if program is None:
            if self._knows_programs():
                self.error(f"{word}: no such program in the image at that point")
            return
        env = program.env
        if len(args) >= 2 and args[0] == "-m":
            module, rest = args[1], args[2:]
            if module in ("venv", "virtualenv"):
                self._make_venv(rest, env, word)
            elif module == "pip":
                if env is not None and not env.has_pip:
                    self.error(f'{word} -m pip: {env.shown()} has no pip ("No module named pip")')
                    return
                self._pip(word, rest, env)
            elif module == "uv":
                self._uv("uv", rest, checked=True)
            elif module == "ensurepip" and env is not None:
                env.has_pip = True
        elif args and not args[0].startswith("-"):
            self.stage.opaque.append(
                Note(
                    self.instruction, f"{word} {args[0]} may write files the model does not follow"
                )
            )
            self._unfollowed([word, *args])
        elif args[:1] == ["-c"]:
            self._unfollowed([word, *args])

    def _virtualenv(self, _, args: list[str]) -> None:
        python = None
        for i, arg in enumerate(args):
            if arg in ("-p", "--python") and i + 1 < len(args):
                python = self._which(args[i + 1])
        self._make_venv(args, python.env if python else self._default_env(), "virtualenv")

    def _default_env(self) -> PythonEnv | None:
        for name in ("python3", "python"):
            program = self._which(name)
            if program is not None and program.env is not None:
                return program.env
        return None

    def _make_venv(
        self, args: list[str], env: PythonEnv | None, word: str, uv: bool = False
    ) -> PythonEnv | None:
        skip_next = {"--prompt", "-p", "--python", "--index-url", "--relocatable"}
        folder, i, seed = None, 0, False
        while i < len(args):
            arg = args[i]
            if arg in skip_next:
                i += 2
                continue
            if arg == "--seed":
                seed = True
            if not arg.startswith("-") and folder is None:
                folder = arg
            i += 1
        location = _resolve(self.cwd, folder or ".venv") if (folder or uv) else None
        if location is None:
            return None
        if (
            env is not None
            and env.kind == "system"
            and env.instruction is not None
            and "python3-venv" not in self.stage.apt_packages
            and "python3-full" not in self.stage.apt_packages
            and self.stage.base.distro in ("debian", "ubuntu")
            and not uv
            and "--without-pip" not in args
        ):
            self.error(
                f"{word} -m venv: Debian's python3 needs the python3-venv package "
                "(ensurepip is not available)"
            )
        version = env.version if env else None
        base_python = None
        if env is not None:
            base_python = next(
                (
                    p.path
                    for p in self.stage.programs.values()
                    if p.env is env and p.kind == "python"
                ),
                None,
            )
        venv = PythonEnv(location, "venv", version, self.instruction, self.stage.label,
                         base_python=base_python, system_site="--system-site-packages" in args,
                         sites=(_site(location, version),), has_pip=(not uv) or seed)  # fmt: skip
        self.stage.envs.append(venv)
        self.stage.add_dir(location / "bin", self.instruction)
        names = ["python", "python3"] + ([f"python{version}"] if version else [])
        if venv.has_pip:
            names += ["pip", "pip3"]
        for name in names:
            path = location / "bin" / name
            self.stage.programs[path] = Program(
                path,
                "python" if name.startswith("python") else "pip",
                venv,
                self.instruction,
                self.stage.label,
            )
        return venv

    def _pip(self, word: str, args: list[str], env: PythonEnv | None, uv: bool = False) -> None:
        if not args or args[0] not in ("install", "sync"):
            return
        how = ("uv pip " if uv else "pip ") + args[0]
        sync = args[0] == "sync"
        args = args[1:]
        takes_value = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-t",
                       "--target", "--prefix", "--root", "-i", "--index-url", "--extra-index-url",
                       "-f", "--find-links", "--platform", "--python-version", "--implementation",
                       "--abi", "--src", "--upgrade-strategy", "--progress-bar", "--cache-dir",
                       "--log", "--timeout", "--retries", "--trusted-host", "--cert",
                       "--client-cert", "--proxy", "--exists-action", "--global-option",
                       "--config-settings", "-C", "--only-binary", "--no-binary", "--python",
                       "-p", "--index", "--default-index", "--index-strategy",
                       "--keyring-provider", "--resolution", "--prerelease", "--link-mode",
                       "--reinstall-package", "--upgrade-package", "-P", "--no-build-package",
                       "--no-binary-package", "--refresh-package", "--exclude-newer",
                       "--python-platform", "--group", "--extra", "--torch-backend",
                       "--build-constraint", "-b", "--override", "--report", "--root-user-action",
                       "--config-file", "--color", "--directory", "--project"}  # fmt: skip
        packages: set[str] = set()
        unknown = "$(" in self.piece or "`" in self.piece  # packages named by a substitution
        options: dict[str, str] = {}
        flags: set[str] = set()
        files: list[str] = []
        locals_: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            name, eq, inline = arg.partition("=")
            if arg.startswith("-r") and len(arg) > 2 and not arg.startswith("--"):
                files.append(arg[2:])
            elif name in takes_value and arg.startswith("-"):
                value = inline if eq else (args[i + 1] if i + 1 < len(args) else "")
                if not eq:
                    i += 1
                if name in ("-r", "--requirement"):
                    files.append(value)
                elif name in ("-e", "--editable"):
                    locals_.append(value)
                else:
                    options[name] = value
            elif arg.startswith("-"):
                flags.add(name)
            elif sync:
                files.append(arg)
            else:
                spec = requirement_name(arg)
                if spec:
                    packages.add(spec)
                elif arg.startswith((".", "/")) or "/" in arg:
                    locals_.append(arg)
                else:
                    unknown = True
            i += 1
        for file in files:
            found = self._read_requirements(file)
            if found is None:
                unknown = True
            elif found is False:
                self.error(
                    f"{how}: no requirements file {_resolve(self.cwd, file)} in the image "
                    "at that point"
                )
                return
            else:
                packages |= found
        for local in locals_:
            found = self._project_packages(_resolve(self.cwd, local.split("[")[0]))
            if found is None:
                unknown = True
            else:
                packages |= found
        if uv and not any(k in options for k in ("--target", "--prefix", "--python", "-p")):
            env = self._uv_target_env(flags, how)
            if env is False:
                return
        if "--python" in options or "-p" in options:
            python = self._which(options.get("--python") or options.get("-p") or "")
            env = (
                python.env
                if python
                else self.stage.env_at(
                    _resolve(self.cwd, options.get("--python") or options.get("-p") or "")
                )
            )
        site: P | None
        version = env.version if env else None
        if "--target" in options or "-t" in options:
            site = _resolve(self.cwd, options.get("--target") or options.get("-t") or "")
        elif "--prefix" in options:
            site = _site(_resolve(self.cwd, options["--prefix"]), version)
        elif env is None:
            site = None
        elif "--user" in flags or (self.stage.user not in ("root", "0") and env.kind != "venv"):
            site = _site(self.stage.home() / ".local", version)
        else:
            site = env.sites[0] if env.sites else None
            if (
                env.kind == "system"
                and env.externally_managed
                and "--break-system-packages" not in flags
                and not self.vars.get("PIP_BREAK_SYSTEM_PACKAGES")
                and not self.vars.get("UV_BREAK_SYSTEM_PACKAGES")
            ):
                self.error(
                    f"{how}: {env.shown()} is externally managed (PEP 668); use a virtual "
                    "environment or --break-system-packages"
                )
                return
        if site is not None:
            self.stage.add_dir(site, self.instruction)
        if packages:
            self.stage.installs.append(
                Install(frozenset(packages), site, self.instruction, self.stage.label, how, env)
            )
        if unknown:
            self.stage.installs.append(
                Install(None, site, self.instruction, self.stage.label, how, env)
            )
        if env is not None and site is not None and env.sites and site == env.sites[0]:
            self._console_scripts(packages, env)

    def _console_scripts(self, packages: set[str], env: PythonEnv) -> None:
        folder = P("/usr/local/bin") if env.location == P("/usr/local") else env.location / "bin"
        if env.location == P("/usr"):
            folder = P("/usr/local/bin")
        for package, programs in (("uv", ("uv", "uvx")), ("dumb-init", ("dumb-init",))):
            if package in packages:
                for name in programs:
                    kind = "uv" if package == "uv" else "tool"
                    self.stage.programs[folder / name] = Program(
                        folder / name, kind, env, self.instruction, self.stage.label
                    )

    def _uv_target_env(self, flags: set[str], how: str) -> PythonEnv | bool | None:
        if self.vars.get("UV_PYTHON"):
            python = self._which(self.vars["UV_PYTHON"])
            if python is not None:
                return python.env
        if "--system" in flags or self.vars.get("UV_SYSTEM_PYTHON", "").lower() in (
            "1",
            "true",
            "yes",
        ):
            env = self._default_env()
            if env is None and self.stage.base.known:
                self.error(f"{how} --system: no Python on PATH")
                return False
            return env
        virtual = self.vars.get("VIRTUAL_ENV") or self.vars.get("CONDA_PREFIX")
        if virtual:
            return self.stage.env_at(_resolve(self.cwd, virtual)) or self._placeholder_venv(
                _resolve(self.cwd, virtual)
            )
        for folder in (self.cwd, *self.cwd.parents):
            env = self.stage.env_at(folder / ".venv")
            if env is not None:
                return env
        if self.stage.base.known or self._default_env() is not None:
            self.error(
                f"{how}: no virtual environment (uv's error: \"No virtual environment found; "
                'run `uv venv` to create an environment, or pass `--system`")'
            )
            return False
        return None

    def _placeholder_venv(self, location: P) -> PythonEnv:
        env = PythonEnv(
            location,
            "venv",
            None,
            self.instruction,
            self.stage.label,
            sites=(_site(location, None),),
        )
        self.stage.unsure.append(
            Note(self.instruction, f"the environment {location} is not modelled")
        )
        return env

    def _read_requirements(self, file: str, depth: int = 0) -> set[str] | bool | None:
        """The packages a requirements file in the image names; False: no such file; None:
        the model cannot read it."""
        path = _resolve(self.cwd, file)
        entry = self.stage.files.get(path)
        if entry is None:
            return False if self.stage.knows_absent(path) else None
        text = (
            entry.content
            if entry.content is not None
            else (self.image.context.text(entry.source) if entry.source else None)
        )
        if text is None:
            return None
        if path.name.endswith(".toml"):
            return pyproject_dependencies(text)
        found: set[str] = set()
        for line in text.splitlines():
            line = line.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith(("-r", "--requirement")):
                nested = line.split(None, 1)[1] if " " in line else line[2:]
                inner = _Run(self.image, self.stage, self.instruction)
                inner.cwd = path.parent
                more = inner._read_requirements(nested.strip(), depth + 1) if depth < 5 else None
                if isinstance(more, set):
                    found |= more
                continue
            if line.startswith("-"):
                continue
            name = requirement_name(line)
            if name:
                found.add(name)
        return found

    def _project_packages(
        self, folder: P, groups: Iterable[str] = (), dev: bool = False
    ) -> set[str] | None:
        entry = self.stage.files.get(folder / "pyproject.toml")
        if entry is None:
            return None
        text = (
            entry.content
            if entry.content is not None
            else (self.image.context.text(entry.source) if entry.source else None)
        )
        return None if text is None else pyproject_dependencies(text, groups, dev)

    def _project(self, args: list[str]) -> P | None:
        start = self.cwd
        for flag in ("--project", "--directory"):
            if flag in args and args.index(flag) + 1 < len(args):
                start = _resolve(self.cwd, args[args.index(flag) + 1])
        for folder in (start, *start.parents):
            if (folder / "pyproject.toml") in self.stage.files:
                return folder
        return None

    def _uv(self, word: str, args: list[str], checked: bool = False) -> None:
        if not checked and self._which(word) is None and self._knows_programs():
            known = any(p.kind == "uv" for p in self.stage.programs.values())
            reach = " (it is in the image, but PATH does not reach it)" if known else ""
            self.error(f"{word}: no such program in the image at that point{reach}")
            return
        while args and args[0].startswith("-"):
            args = args[1:]
        if not args:
            return
        sub, rest = args[0], args[1:]
        if sub == "pip" and rest:
            self._pip("uv", rest, None, uv=True)
        elif sub == "venv":
            python = None
            for i, arg in enumerate(rest):
                if arg in ("-p", "--python") and i + 1 < len(rest):
                    python = self._which(rest[i + 1])
            self._make_venv(rest, python.env if python else self._default_env(), "uv venv", uv=True)
        elif sub in ("sync", "add"):
            self._uv_project(sub, rest)
        elif sub == "init":
            names = [a for a in rest if not a.startswith("-")]
            folder = _resolve(self.cwd, names[0]) if names else self.cwd
            self.stage.put(
                ImageFile(
                    folder / "pyproject.toml",
                    self.instruction,
                    self.stage.label,
                    content='[project]\nname = "app"\ndependencies = []\n',
                )
            )
        elif sub == "lock":
            project = self._project(rest)
            if project is not None:
                self.stage.put(
                    ImageFile(project / "uv.lock", self.instruction, self.stage.label, content="")
                )
        elif sub == "tool" and rest[:1] == ["install"]:
            home = P(self.vars.get("HOME", "/root"))
            folder = P(self.vars.get("UV_TOOL_BIN_DIR") or str(home / ".local/bin"))
            for name in rest[1:]:
                if not name.startswith("-"):
                    package = requirement_name(name) or name
                    self.stage.programs[folder / package] = Program(
                        folder / package, "tool", None, self.instruction, self.stage.label
                    )

    def _uv_project(self, sub: str, args: list[str]) -> None:
        project = self._project(args)
        if project is None:
            self.error(
                f'uv {sub}: no pyproject.toml in {self.cwd} or above ("No `pyproject.toml` found")'
            )
            return
        if (
            sub == "sync"
            and any(a in ("--locked", "--frozen") for a in args)
            and (project / "uv.lock") not in self.stage.files
        ):
            flag = "--locked" if "--locked" in args else "--frozen"
            self.error(f"uv sync {flag}: no uv.lock beside {project / 'pyproject.toml'}")
            return
        groups = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--extra", "--group")]
        dev = not any(a in ("--no-dev", "--only-group", "--no-default-groups") for a in args)
        packages = self._project_packages(project, groups, dev)
        adds = self.stage.project_adds.setdefault(project, set())
        if sub == "add":
            takes = {
                "--group",
                "--extra",
                "--optional",
                "-r",
                "--requirements",
                "--python",
                "-p",
                "--index",
                "--rev",
                "--tag",
                "--branch",
            }
            i = 0
            while i < len(args):
                if args[i] in takes:
                    i += 2
                    continue
                if not args[i].startswith("-") and requirement_name(args[i]):
                    adds.add(requirement_name(args[i]))  # type: ignore[arg-type]
                i += 1
        location_text = self.vars.get("UV_PROJECT_ENVIRONMENT")
        location = _resolve(project, location_text) if location_text else project / ".venv"
        env = self.stage.env_at(location)
        if env is None:
            python = self._default_env()
            env = self._make_venv([str(location)], python, f"uv {sub}", uv=True)
        if env is None:
            return
        found = None if packages is None else frozenset(packages | adds)
        self.stage.installs.append(
            Install(
                found,
                env.sites[0] if env.sites else None,
                self.instruction,
                self.stage.label,
                f"uv {sub}",
                env,
            )
        )

    def _project_tool(self, program: str, args: list[str]) -> None:
        if not args or args[0] not in ("install", "sync", "add"):
            return
        project = self._project(args) or self.cwd
        packages = self._project_packages(project)
        added = {requirement_name(a) for a in args[1:] if not a.startswith("-")} - {None}
        found = None if packages is None else frozenset(packages | added)  # type: ignore[operator]
        if program == "pipenv" and "--system" in args:
            env = self._default_env()
            site = env.sites[0] if env and env.sites else None
        else:
            site, env = None, None
        self.stage.installs.append(
            Install(found, site, self.instruction, self.stage.label, f"{program} {args[0]}", env)
        )

    def _conda(self, program: str, args: list[str]) -> None:
        if not args or args[0] not in ("install", "create", "env"):
            return
        conda = next((e for e in self.stage.envs if e.kind == "conda"), None)
        names = {requirement_name(a) for a in args[1:] if not a.startswith("-")} - {None}
        if args[0] == "install" and conda is not None:
            self.stage.installs.append(
                Install(
                    frozenset(names),
                    conda.sites[0],
                    self.instruction,
                    self.stage.label,
                    f"{program} install",
                    conda,
                )
            )  # type: ignore[arg-type]
        else:
            self.stage.installs.append(
                Install(
                    frozenset(names) or None,
                    None,
                    self.instruction,
                    self.stage.label,
                    f"{program} {args[0]}",
                )
            )  # type: ignore[arg-type]

    def _apt(self, program: str, args: list[str]) -> None:
        words = [a for a in args if not a.startswith("-")]
        if not words:
            return
        if words[0] == "update":
            self.stage.apt_lists = True
            return
        if words[0] != "install":
            return
        if self.stage.base.distro not in ("debian", "ubuntu"):
            if self.stage.base.known:
                self.error(f"{program}: not in this image ({self.stage.base.reference})")
            return
        if not self.stage.apt_lists and self.stage.base.known:
            self.error(
                f"{program} install without `apt-get update` first: the image has no "
                'package lists ("Unable to locate package")'
            )
            return
        packages = {re.split(r"[=:]", w)[0] for w in words[1:]}
        self.stage.apt_packages |= packages
        self._os_packages(packages, P("/usr/bin"))

    def _apk(self, _, args: list[str]) -> None:
        words = [a for a in args if not a.startswith("-")]
        if not words or words[0] != "add":
            return
        packages = {re.split(r"[=<>~]", w)[0] for w in words[1:]}
        renamed = {"py3-pip": "python3-pip", "py3-virtualenv": "python3-venv", "uv": "uv"}
        self.stage.apt_packages |= {renamed.get(p, p) for p in packages}
        self._os_packages(
            {renamed.get(p, p) for p in packages}
            | ({"python3-venv"} if "python3" in packages else set()),
            P("/usr/bin"),
            alpine=True,
        )

    def _os_packages(self, packages: set[str], folder: P, alpine: bool = False) -> None:
        base = self.stage.base
        version = base.os_python
        wants_python = bool(
            packages
            & {
                "python3",
                "python3-pip",
                "python3-venv",
                "python3-full",
                "python3-dev",
                "python-is-python3",
            }
            or any(re.fullmatch(r"python3\.\d+", p) for p in packages)
        )
        env = next(
            (e for e in self.stage.envs if e.location == P("/usr") and e.kind == "system"), None
        )
        if wants_python and env is None:
            if alpine:
                sites: tuple[P, ...] = (_site(P("/usr"), version),)
            else:  # Debian's: pip (as root) installs into /usr/local/lib/python3.X/dist-packages
                local = _site(P("/usr/local"), version, "dist-packages")
                sites = (local, P("/usr/lib/python3/dist-packages"))
            env = PythonEnv(P("/usr"), "system", version, self.instruction, self.stage.label,
                            sites=sites, externally_managed=base.externally_managed,
                            has_pip=False)  # fmt: skip
            self.stage.envs.append(env)
        if env is not None:
            names = ["python3"] + ([f"python{version}"] if version else [])
            if (
                alpine
                or "python-is-python3" in packages
                or "python-is-python3" in self.stage.apt_packages
            ):
                names.append("python")
            if "python3-pip" in packages or "python3-pip" in self.stage.apt_packages:
                env.has_pip = True
                names += ["pip3", "pip"]
            for name in names:
                path = folder / name
                if path not in self.stage.programs:
                    kind = "python" if name.startswith("python") else "pip"
                    self.stage.programs[path] = Program(
                        path, kind, env, self.instruction, self.stage.label
                    )
        for tool in ("tini", "dumb-init", "bash", "uv"):
            if tool in packages:
                where = P("/sbin") if (alpine and tool == "tini") else folder
                kind = "shell" if tool == "bash" else ("uv" if tool == "uv" else "tool")
                self.stage.programs[where / tool] = Program(
                    where / tool, kind, None, self.instruction, self.stage.label
                )


# ------------------------------------------------------------------------------------------
# The command the container runs


@dataclass
class Launch:
    """``docker run IMAGE``'s process, as far as the model could follow it."""

    entrypoint: Command | None
    cmd: Command | None
    argv: list[str]
    cwd: P
    env: dict[str, str]
    shell_script: str | None = None  # the script of a `sh -c` the command goes through
    shell_program: str | None = None  # the shell (or the shell script) that runs it
    shell_exec: bool = False  # that script `exec`s the program (it becomes PID 1)
    shell_command: Command | None = None
    program_word: str | None = None  # the program that finally runs (python, uv, ...)
    program: Program | ImageFile | None = None
    program_found: bool | None = None  # None: the model cannot tell
    wrappers: list[str] = field(default_factory=list)  # env, tini, ...
    python: Program | None = None
    python_found: bool | None = None
    python_options: list[str] = field(default_factory=list)
    script_word: str | None = None
    script: P | None = None
    script_file: ImageFile | None = None
    module: str | None = None
    code: str | None = None
    args: list[str] = field(default_factory=list)
    via: str = "python"  # python, uv run, script (a shebang), other, none
    uv_with: set[str] = field(default_factory=set)
    unresolved: str | None = None  # why the model could not follow the command
    missing_wrappers: list[str] = field(default_factory=list)
    python_broken: str | None = None  # the interpreter is there but cannot start
    cannot_start: str | None = None  # the kernel cannot start the program (no #! line, ...)

    @property
    def source(self) -> Command | None:
        """The instruction that names the program (ENTRYPOINT, else CMD)."""
        return self.entrypoint or self.cmd

    def command_text(self) -> str:
        return " ".join(_quote(word) for word in self.argv)

    def ignores_environment(self) -> bool:
        return any(
            o in ("-E", "-I")
            or (o.startswith("-") and not o.startswith("--") and ("E" in o[1:] or "I" in o[1:]))
            for o in self.python_options
        )

    def unbuffered(self) -> Verdict:
        for option in self.python_options:
            if option.startswith("-") and not option.startswith("--") and "u" in option[1:]:
                return Verdict(True, f"{option} among Python's options")
        value = self.env.get("PYTHONUNBUFFERED")
        if value and not self.ignores_environment():
            return Verdict(True, f"PYTHONUNBUFFERED={value}")
        return Verdict(False, "no -u and no PYTHONUNBUFFERED")

    def sys_path(self, stage: Stage) -> list[P]:
        """Where this Python looks for packages: the script's folder (the working directory
        for -m), PYTHONPATH, the user's site, its environment's site-packages."""
        paths: list[P] = []
        if self.script is not None:
            paths.append(self.script.parent)
        elif self.module or self.code:
            paths.append(self.cwd)
        ignore_env = self.ignores_environment()
        if not ignore_env:
            for part in self.env.get("PYTHONPATH", "").split(":"):
                if part:
                    paths.append(_resolve(self.cwd, part))
        env = self.python.env if self.python else None
        if env is None:
            return paths
        if (
            env.kind != "venv"
            and not self.env.get("PYTHONNOUSERSITE")
            and "-s" not in self.python_options
        ):
            paths.append(_site(stage.home() / ".local", env.version))
        paths.extend(env.sites)
        if env.kind == "venv" and env.system_site and env.base_python is not None:
            base = stage.programs.get(env.base_python)
            if base is not None and base.env is not None:
                paths.extend(base.env.sites)
        return paths


def _writes_output(args: list[str]) -> bool:
    return any(
        a in ("-o", "-O", "--output", "-P") or a.startswith(("-o", "--output=")) for a in args
    )


def json_list(words: Iterable[str]) -> str:
    return "[" + ", ".join(f'"{w}"' for w in words) + "]"


def _quote(word: str) -> str:
    return word if word and re.fullmatch(r"[\w@%+=:,./-]+", word) else repr(word)


class _Launcher:
    def __init__(self, image: DockerImage, runtime_env: dict[str, str]) -> None:
        self.image = image
        self.stage = image.final
        self.env = {**self.stage.environment(), **runtime_env}
        self.env.setdefault("PATH", DEFAULT_PATH)
        self.env.setdefault("HOME", str(self.stage.home()))

    def resolve(self) -> Launch:
        stage = self.stage
        entrypoint, cmd = stage.entrypoint, stage.cmd
        if entrypoint is not None and not entrypoint.exec_form:
            argv = entrypoint.argv(stage.shell)
        elif entrypoint is not None:
            argv = entrypoint.argv(stage.shell) + (cmd.argv(stage.shell) if cmd else [])
        else:
            argv = cmd.argv(stage.shell) if cmd else []
        launch = Launch(entrypoint, cmd, argv, stage.workdir, dict(self.env))
        if not argv:
            launch.via, launch.unresolved = "none", "no ENTRYPOINT and no CMD: nothing to run"
            return launch
        self._follow(launch, list(argv), depth=0)
        return launch

    def _which(self, word: str, launch: Launch) -> tuple[Program | ImageFile | None, bool | None]:
        stage = self.stage
        if "/" in word:
            path = _resolve(launch.cwd, word)
            found = stage.programs.get(path) or stage.files.get(path)
            if found is not None:
                return found, True
            if self._knowable(P(word).name):
                return None, (False if stage.base.known and not stage.opaque else None)
            return None, (False if stage.knows_absent(path) else None)
        for folder in launch.env.get("PATH", DEFAULT_PATH).split(":"):
            if not folder:
                continue
            path = P(folder) / word
            found = stage.programs.get(path) or stage.files.get(path)
            if found is not None:
                return found, True
        if not self._knowable(word):
            return None, None
        if re.fullmatch(r"python3\.\d+", word) and any(
            e.version is None and e.instruction is None for e in stage.envs
        ):  # python3.N of a base whose version the model does not know
            return None, None
        if not stage.base.known or stage.opaque:
            return None, None
        return None, False

    @staticmethod
    def _knowable(name: str) -> bool:
        return bool(_PYTHON.fullmatch(name) or _PIP.fullmatch(name)) or name in (
            *SHELLS,
            *WRAPPERS,
            "uv",
            "uvx",
            "env",
        )

    def _follow(self, launch: Launch, argv: list[str], depth: int) -> None:
        if depth > 4 or not argv:
            launch.unresolved = launch.unresolved or "the command runs nothing the model follows"
            return
        word = argv[0]
        name = P(word).name
        program, found = self._which(word, launch)
        if found is False and (name == "env" or name in SHELLS):
            launch.missing_wrappers.append(word)  # a shell-form command in a shell-less image
        if name == "env":
            launch.wrappers.append(word)
            rest = argv[1:]
            while rest and (rest[0].startswith("-") or "=" in rest[0]):
                if rest[0] in ("-u", "--unset") and len(rest) > 1:
                    launch.env.pop(rest[1], None)
                    rest = rest[1:]
                elif "=" in rest[0] and not rest[0].startswith("-"):
                    key, _, value = rest[0].partition("=")
                    launch.env[key] = value
                elif rest[0] in ("-S", "--split-string") and len(rest) > 1:
                    rest = [*rest[1].split(), *rest[2:]]
                    continue
                rest = rest[1:]
            self._follow(launch, rest, depth + 1)
            return
        if name in WRAPPERS:
            launch.wrappers.append(word)
            if found is False:
                launch.missing_wrappers.append(word)
            rest = argv[1:]
            while rest and rest[0].startswith("-"):
                stop = rest[0] == "--"
                rest = rest[1:]
                if stop:
                    break
            self._follow(launch, rest, depth + 1)
            return
        if name in SHELLS and len(argv) >= 3 and re.fullmatch(r"-[a-z]*c[a-z]*", argv[1]):
            launch.program_word, launch.program, launch.program_found = word, program, found
            launch.shell_program = f"{word} -c"
            self._shell(launch, argv[2], argv[3:], depth)
            return
        launch.program_word, launch.program, launch.program_found = word, program, found
        if _PYTHON.fullmatch(name):
            launch.python = program if isinstance(program, Program) else None
            launch.python_found = found
            self._check_venv(launch)
            self._python(launch, argv[1:])
            return
        if name == "uv" and len(argv) > 1:
            self._uv_run(launch, argv[1:], depth)
            return
        if isinstance(program, ImageFile):
            self._shebang(launch, program, word, argv[1:], depth)
            return
        launch.via = "other"

    def _shell(self, launch: Launch, script: str, extra: list[str], depth: int) -> None:
        launch.shell_script = script
        given = " ".join(shlex.quote(word) for word in extra[1:])  # sh -c SCRIPT $0 $1 ...
        script = re.sub(r'"\$(@|\{@\})"|\$(@|\*|\{@\}|\{\*\})', lambda _: given, script)
        pieces, joiners, complex_ = split_script(script)
        env = dict(launch.env)
        chosen: list[str] | None = None
        exec_ = False
        for piece, joiner in zip(pieces, joiners, strict=True):
            command, hard = parse_command(piece, env)
            complex_ = complex_ or hard or joiner in ("|", "&", "||")
            words = command.words
            if not words:
                for key, value in command.assignments:
                    env[key] = value
                continue
            if words[0] == "cd":
                launch.cwd = _resolve(
                    launch.cwd, words[1] if len(words) > 1 else env.get("HOME", "/root")
                )
                continue
            if words[0] == "export":
                for item in words[1:]:
                    key, sep, value = item.partition("=")
                    if sep:
                        env[key] = value
                continue
            if words[0] in (".", "source") and len(words) > 1 and words[1].endswith("bin/activate"):
                venv = _resolve(launch.cwd, words[1]).parent.parent
                env["VIRTUAL_ENV"] = str(venv)
                env["PATH"] = f"{venv}/bin:" + env.get("PATH", DEFAULT_PATH)
                continue
            if words[0] in (
                "set",
                "echo",
                "printf",
                "true",
                ":",
                "sleep",
                "ls",
                "cat",
                "test",
                "[",
            ):
                continue
            is_exec = words[0] == "exec"
            if is_exec:
                words = words[1:]
            for key, value in command.assignments:
                env[key] = value
            if chosen is None or (self._runs_python(words) and not self._runs_python(chosen)):
                chosen, exec_ = words, is_exec
        launch.env = env
        if chosen is None:
            launch.via = "other"
            launch.unresolved = f"the shell script `{script}` runs no program the model follows"
            return
        if complex_:
            launch.unresolved = f"the shell script `{script}` is more than the model follows"
        launch.shell_exec = exec_
        self._follow(launch, chosen, depth + 1)

    def _check_venv(self, launch: Launch) -> None:
        """A virtual environment's python links to the interpreter it was made with: copied
        into a stage without that interpreter, it cannot start."""
        python = launch.python
        env = python.env if python else None
        stage = self.stage
        if env is None or env.kind != "venv" or env.base_python is None:
            return
        base = stage.programs.get(env.base_python)
        if base is None and stage.base.known and not stage.opaque:
            launch.python_broken = (
                f"{python.path} links to {env.base_python}, which the final stage does not have"
            )
        elif (
            base is not None
            and base.env
            and env.version
            and base.env.version
            and base.env.version != env.version
        ):
            launch.python_broken = (
                f"{env.location} was made with Python {env.version}, but {env.base_python} here "
                f"is Python {base.env.version}"
            )

    @staticmethod
    def _runs_python(words: list[str]) -> bool:
        name = P(words[0]).name if words else ""
        return (
            bool(_PYTHON.fullmatch(name))
            or name == "uv"
            or (words[0].endswith(".py") if words else False)
        )

    def _python(self, launch: Launch, args: list[str]) -> None:
        launch.via = "python" if launch.via != "uv run" else launch.via
        takes_value = {"-W", "-X", "--check-hash-based-pycs"}
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                i += 1
                break
            if arg in ("-m", "-c") or (
                arg.startswith("-")
                and not arg.startswith("--")
                and arg[-1] in "mc"
                and set(arg[1:-1]) <= set("bBdEhiIOPqsSuvVx")
            ):
                value = args[i + 1] if i + 1 < len(args) else ""
                launch.python_options.append(arg[:-1] if len(arg) > 2 else "")
                if arg.endswith("m"):
                    launch.module = value
                    self._module(launch, value)
                else:
                    launch.code = value
                launch.args = args[i + 2 :]
                launch.python_options = [o for o in launch.python_options if o]
                return
            if arg in takes_value:
                launch.python_options += [arg, args[i + 1] if i + 1 < len(args) else ""]
                i += 2
                continue
            if arg.startswith("-") and arg != "-":
                launch.python_options.append(arg)
                i += 1
                continue
            break
        if i < len(args):
            launch.script_word = args[i]
            launch.script = _resolve(launch.cwd, args[i])
            launch.script_file = self.stage.files.get(launch.script)
            launch.args = args[i + 1 :]
        else:
            launch.unresolved = (
                launch.unresolved or "Python is started without a script (an interactive prompt)"
            )

    def _module(self, launch: Launch, module: str) -> None:
        relative = module.replace(".", "/")
        folders = [launch.cwd] + [
            _resolve(launch.cwd, p) for p in launch.env.get("PYTHONPATH", "").split(":") if p
        ]
        for folder in folders:
            for candidate in (folder / f"{relative}.py", folder / relative / "__main__.py"):
                if candidate in self.stage.files:
                    launch.script, launch.script_file = candidate, self.stage.files[candidate]
                    return
        launch.script = launch.cwd / f"{relative}.py"

    def _uv_run(self, launch: Launch, args: list[str], depth: int) -> None:
        launch.via = "uv run"
        launch.python_found = None
        while args and args[0].startswith("-"):
            args = args[1:]
        if not args or args[0] != "run":
            launch.via, launch.unresolved = "other", "uv runs something other than `uv run`"
            return
        args = args[1:]
        takes_value = {"--with", "-w", "--python", "-p", "--project", "--directory",
                       "--group", "--extra", "--env-file", "--package", "--with-requirements",
                       "--index"}  # fmt: skip
        python_word = None
        project_start = launch.cwd
        no_project = False
        while args and args[0].startswith("-"):
            arg, _, inline = args[0].partition("=")
            if arg == "--":
                args = args[1:]
                break
            if arg in takes_value:
                value = inline or (args[1] if len(args) > 1 else "")
                if arg in ("--with", "-w"):
                    launch.uv_with |= {
                        n for n in (requirement_name(v) for v in value.split(",")) if n
                    }
                elif arg in ("--python", "-p"):
                    python_word = value
                elif arg in ("--project", "--directory"):
                    project_start = _resolve(launch.cwd, value)
                args = args[1:] if inline else args[2:]
                continue
            if arg in ("--no-project", "--isolated"):
                no_project = True
            args = args[1:]
        env = None
        if not no_project:
            for folder in (project_start, *project_start.parents):
                if (folder / "pyproject.toml") in self.stage.files:
                    location_text = launch.env.get("UV_PROJECT_ENVIRONMENT")
                    location = (
                        _resolve(folder, location_text) if location_text else folder / ".venv"
                    )
                    env = self.stage.env_at(location)
                    break
        if env is None and launch.env.get("VIRTUAL_ENV"):
            env = self.stage.env_at(_resolve(launch.cwd, launch.env["VIRTUAL_ENV"]))
        if env is None:  # uv's discovery: a .venv in the working directory or above
            for folder in (launch.cwd, *launch.cwd.parents):
                env = self.stage.env_at(folder / ".venv")
                if env is not None:
                    break
        python = None
        if python_word:
            found, _ = self._which(python_word, launch)
            python = found if isinstance(found, Program) else None
        elif env is not None:
            python = next(
                (p for p in self.stage.programs.values() if p.env is env and p.kind == "python"),
                None,
            )
        else:
            for name in ("python3", "python"):
                found, _ = self._which(name, launch)
                if isinstance(found, Program):
                    python = found
                    break
        if not args:
            launch.unresolved = "uv run without a command"
            return
        first = P(args[0]).name
        launch.python = python
        if _PYTHON.fullmatch(first):
            self._python(launch, args[1:])
        elif args[0].endswith(".py") or (_resolve(launch.cwd, args[0]) in self.stage.files):
            self._python(launch, args)
        else:
            launch.via = "other"
            launch.unresolved = f"uv run {args[0]}: not a Python script"

    def _shebang(
        self, launch: Launch, entry: ImageFile, word: str, args: list[str], depth: int
    ) -> None:
        launch.via = "script"
        launch.script_word, launch.script, launch.script_file = word, entry.path, entry
        launch.args = args
        text = (
            entry.content
            if entry.content is not None
            else (self.image.context.text(entry.source) if entry.source else None)
        )
        first = (text or "").splitlines()[:1]
        if text is None or entry.changed:
            launch.unresolved = f"{entry.path}: not modelled"
            return
        if entry.executable is False or (
            entry.mode is not None and not entry.mode & 0o111 and entry.executable is None
        ):
            launch.cannot_start = f"{entry.path} is not executable (permission denied)"
        if not first or not first[0].startswith("#!"):
            launch.cannot_start = (
                f"{entry.path} has no #! line: the kernel cannot run it (exec format error)"
            )
            return
        words = first[0][2:].split()
        if words and P(words[0]).name == "env":
            words = words[1:]
            if words and words[0] == "-S":
                words = words[1:]
        if not words:
            return
        found, ok = self._which(words[0], launch)
        if P(words[0]).name in SHELLS:
            launch.script_word = launch.script = launch.script_file = None
            launch.args, launch.via = [], "python"
            launch.shell_program = word
            self._shell(launch, text, [word, *args], depth)
            return
        if _PYTHON.fullmatch(P(words[0]).name):
            launch.python = found if isinstance(found, Program) else None
            launch.python_found = ok
            launch.python_options = [w for w in words[1:] if w.startswith("-")]


# ------------------------------------------------------------------------------------------


def model_image(dockerfile: Dockerfile, context: Path, dockerfile_name: str) -> DockerImage:
    """The image ``docker build -f dockerfile_name context`` would build."""
    return DockerImage(dockerfile, Context.read(context, dockerfile_name)).build()
