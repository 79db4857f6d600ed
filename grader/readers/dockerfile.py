"""Reading a Dockerfile the way Docker's parser does (instructions, their flags, heredocs,
stages), a build context's .dockerignore, and hadolint's advice.

What the image built from it holds is ``docker_image``'s business; this module only reads.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# The flags an instruction may carry before its arguments (--from=builder, --mount=..., ...).
_FLAG = re.compile(r"--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?")
# <<EOF, <<-EOF, <<"EOF", <<'EOF' in a RUN, COPY or ADD (BuildKit's heredocs).
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")


@dataclass(frozen=True)
class Instruction:
    name: str  # FROM, RUN, COPY, ... (upper case)
    line: int  # 1-based, where it starts
    value: str  # what follows the instruction name (continuations joined)
    heredocs: tuple[tuple[str, str], ...] = ()  # (name, body) of each <<NAME, in order

    def split_flags(self) -> tuple[dict[str, list[str]], str]:
        """The leading ``--name[=value]`` flags (a bare flag has the value "true") and the
        text after them."""
        flags: dict[str, list[str]] = {}
        rest = self.value.strip()
        while rest.startswith("--"):
            word, _, after = rest.partition(" ")
            match = _FLAG.fullmatch(word)
            if match is None:
                break
            value = match[2] if match[2] is not None else "true"
            flags.setdefault(match[1].lower(), []).append(_unquote(value))
            rest = after.strip()
        return flags, rest

    def flag(self, name: str) -> str | None:
        values = self.split_flags()[0].get(name)
        return values[-1] if values else None

    def arguments(self) -> str:
        """The text after the flags."""
        return self.split_flags()[1]

    def exec_form(self) -> list[str] | None:
        """The JSON list of an exec-form instruction (after its flags), else None."""
        return exec_form(self.arguments())

    def shown(self, limit: int = 70) -> str:
        """``line N: NAME value`` (the value shortened), for feedback."""
        value = " ".join(self.value.split())
        if len(value) > limit:
            value = value[: limit - 1] + "…"
        return f"line {self.line}: {self.name} {value}"


@dataclass(frozen=True)
class Dockerfile:
    instructions: list[Instruction]
    path: Path | None = None
    directives: dict[str, str] = field(default_factory=dict)  # # syntax=..., # escape=...

    def all(self, *names: str) -> list[Instruction]:
        return [i for i in self.instructions if i.name in names]

    @property
    def base_image(self) -> str | None:
        """The last FROM's image, as written (variables not expanded)."""
        froms = self.all("FROM")
        if not froms:
            return None
        words = [w for w in froms[-1].arguments().split() if not w.startswith("--")]
        return words[0] if words else None

    def preamble(self) -> list[Instruction]:
        """What comes before the first FROM (global ARGs)."""
        found = []
        for instruction in self.instructions:
            if instruction.name == "FROM":
                break
            found.append(instruction)
        return found

    def stages(self) -> list[list[Instruction]]:
        """The instructions of each stage, its FROM first."""
        stages: list[list[Instruction]] = []
        for instruction in self.instructions:
            if instruction.name == "FROM":
                stages.append([instruction])
            elif stages:
                stages[-1].append(instruction)
        return stages


def split_words(text: str) -> list[str]:
    """Words split on blanks, quotes removed (no variable expansion)."""
    import shlex

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


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def read_dockerfile(path: Path) -> Dockerfile:
    """The Dockerfile's instructions, with dockerfile-parse; heredoc bodies (which it reads as
    instructions of their own) are given back to the instruction that opens them."""
    from dockerfile_parse import DockerfileParser  # only exercise 10 needs it

    raw = path.read_bytes()
    lines = raw.decode("utf-8", errors="replace").splitlines()
    parser = DockerfileParser(fileobj=io.BytesIO(raw))
    instructions: list[Instruction] = []
    directives: dict[str, str] = {}
    skip_until = -1  # 0-based line: entries up to it are a heredoc's body
    seen_instruction = False
    for entry in parser.structure:
        name = entry["instruction"].upper()
        if entry["startline"] <= skip_until:
            continue
        if name == "COMMENT":
            directive = re.fullmatch(r"\s*([a-z]+)\s*=\s*(\S+)\s*", entry["value"])
            if not seen_instruction and directive:
                directives[directive[1]] = directive[2]
            continue
        seen_instruction = True
        heredocs: list[tuple[str, str]] = []
        if name in ("RUN", "COPY", "ADD"):
            after = entry["endline"] + 1
            for match in _HEREDOC.finditer(entry["value"]):
                strip_tabs, terminator = match[1] == "-", match[3]
                body: list[str] = []
                while after < len(lines):
                    text = lines[after].lstrip("\t") if strip_tabs else lines[after]
                    after += 1
                    if text.strip() == terminator:
                        break
                    body.append(text)
                heredocs.append((terminator, "\n".join(body) + "\n"))
            skip_until = after - 1 if heredocs else skip_until
        instructions.append(
            Instruction(name, entry["startline"] + 1, entry["value"], tuple(heredocs))
        )
    return Dockerfile(instructions, path, directives)


# ------------------------------------------------------------------------------------------
# .dockerignore


@dataclass(frozen=True)
class IgnoreRule:
    pattern: str  # cleaned, as matched
    exception: bool  # a `!pattern` line
    line: int
    regex: re.Pattern[str]
    depth: int  # how many path parts the pattern has

    def matches(self, path: str) -> bool:
        """The pattern matches ``path`` or one of its parent folders (Docker's rule)."""
        if self.regex.match(path):
            return True
        parts = path.split("/")
        return len(parts) > self.depth and bool(self.regex.match("/".join(parts[: self.depth])))


@dataclass(frozen=True)
class DockerIgnore:
    """The rules of a build context's ignore file; the last rule matching a path decides."""

    file: str | None  # ".dockerignore", "wandb.docker.dockerignore", or None without one
    rules: tuple[IgnoreRule, ...] = ()

    def excluded_by(self, path: str) -> IgnoreRule | None:
        """The rule that keeps ``path`` (relative, with /) out of the build context, if any."""
        decided: IgnoreRule | None = None
        for rule in self.rules:
            if rule.matches(path):
                decided = None if rule.exception else rule
        return decided


def read_dockerignore(context: Path, dockerfile: str) -> DockerIgnore:
    """BuildKit's ignore file for ``dockerfile`` in ``context``: ``<dockerfile>.dockerignore``
    beside it when there is one, else ``.dockerignore``."""
    for name in (f"{dockerfile}.dockerignore", ".dockerignore"):
        file = context / name
        if file.is_file():
            text = file.read_text(encoding="utf-8", errors="replace")
            return DockerIgnore(name, tuple(_ignore_rules(text)))
    return DockerIgnore(None)


def _ignore_rules(text: str) -> list[IgnoreRule]:
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        exception = pattern.startswith("!")
        pattern = pattern[1:].strip() if exception else pattern
        pattern = posixpath.normpath(pattern)
        if len(pattern) > 1 and pattern.startswith("/"):
            pattern = pattern[1:]
        if pattern in ("", "."):
            continue
        regex = re.compile(_pattern_regex(pattern))
        depth = len(pattern.split("/"))
        rules.append(IgnoreRule(pattern, exception, number, regex, depth))
    return rules


def _pattern_regex(pattern: str) -> str:
    """moby/patternmatcher's translation: ``*`` within a folder, ``**`` across folders, ``?``
    one character, ``[...]`` a class, ``\\`` an escape."""
    out = "^"
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            if pattern[i + 1 : i + 2] == "*":
                i += 1
                if pattern[i + 1 : i + 2] == "/":
                    i += 1
                out += ".*" if i + 1 >= len(pattern) else "(.*/)?"
            else:
                out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        elif char in "[]":
            out += char
        elif char in ".+()|{}$^":
            out += "\\" + char
        else:
            out += char
        i += 1
    return out + "$"


# ------------------------------------------------------------------------------------------


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
