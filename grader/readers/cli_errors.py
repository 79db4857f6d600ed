"""What a script's command-line parser said when it refused its arguments (argparse, click, typer).

A training script run with ``--name=value`` options may reject one it does not declare, or a value
of the wrong type. Each parser words that differently; this reads all three into the same facts,
so a check can explain the refusal without knowing which parser the student chose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BOX = str.maketrans("", "", "│╭╮╰╯─")  # typer prints its errors in a rich box

# argparse
_UNRECOGNIZED = re.compile(r"unrecognized arguments: (.+)")
_ARGPARSE_INVALID = re.compile(r"argument (--?[\w.-]+)(?:/\S+)?: invalid (\w+) value: '([^']*)'")
_USAGE_OPTION = re.compile(r"\[(--[\w.-]+)")
# click: No such option '--batch_size'. Did you mean '--batch-size'?
_CLICK_UNKNOWN = re.compile(r"No such option '(--[\w.-]+)'\.(?:\s*Did you mean '(--[\w.-]+)'\?)?")
_CLICK_INVALID = re.compile(r"Invalid value for '(--[\w.-]+)': '([^']*)' is not a valid (\w+)")
# typer: No such option: --batch_size (Possible options: --batch-size)
_TYPER_UNKNOWN = re.compile(r"No such option: (--[\w.-]+)(?:\s*\(Possible options: ([^)]+)\))?")
_TYPER_INVALID = re.compile(r"Invalid value for '(--[\w.-]+)': (.+?)(?:\n\n|$)", re.S)


@dataclass(frozen=True)
class UnknownOption:
    option: str  # as given, without its value: --batch_size
    offered: tuple[str, ...] = ()  # the options the parser itself suggested instead


@dataclass(frozen=True)
class InvalidValue:
    option: str
    value: str | None  # None when the parser did not quote it (typer)
    kind: str | None  # "int", "float"... when the parser named it


@dataclass
class ParserComplaints:
    unknown: list[UnknownOption] = field(default_factory=list)
    invalid: list[InvalidValue] = field(default_factory=list)
    declared: list[str] = field(default_factory=list)  # options named by argparse's usage line

    def __bool__(self) -> bool:
        return bool(self.unknown or self.invalid)


def _plain(stderr: str) -> str:
    """stderr with typer's box drawn away and its wrapped lines joined."""
    lines = [line.translate(_BOX).strip() for line in stderr.splitlines()]
    return re.sub(r"(?<=\S) *\n(?=\S)", " ", "\n".join(lines))


def read_complaints(stderr: str) -> ParserComplaints:
    """Every option and value the parser refused, as stderr says it."""
    text = _plain(stderr)
    found = ParserComplaints(declared=_USAGE_OPTION.findall(stderr))
    if match := _UNRECOGNIZED.search(stderr):
        for argument in match.group(1).split():
            found.unknown.append(UnknownOption(argument.split("=", 1)[0]))
    for match in _CLICK_UNKNOWN.finditer(text):
        found.unknown.append(UnknownOption(match[1], (match[2],) if match[2] else ()))
    for match in _TYPER_UNKNOWN.finditer(text):
        offered = tuple(o.strip() for o in (match[2] or "").split(",") if o.strip())
        found.unknown.append(UnknownOption(match[1], offered))
    if match := _ARGPARSE_INVALID.search(stderr):
        found.invalid.append(InvalidValue(match[1], match[3], match[2]))
    elif match := _CLICK_INVALID.search(text):
        found.invalid.append(InvalidValue(match[1], match[2], match[3]))
    elif match := _TYPER_INVALID.search(text):
        found.invalid.append(InvalidValue(match[1], None, None))
    return found
