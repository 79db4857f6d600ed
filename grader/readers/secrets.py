"""Looking for credentials written into a submission's files (the one thing that must be read
from source: a key in the code works only on its author's machine, and leaks with it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# A W&B API key is 40 hex characters (newer ones carry a prefix, e.g. "local-" + 40 hex).
_KEY_LIKE = re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{40}(?![0-9a-fA-F])")
# WANDB_API_KEY=..., os.environ["WANDB_API_KEY"] = "...", setdefault("WANDB_API_KEY", "..."),
# api_key="...", wandb.login(key="...") / wandb.login("...") with a literal value.
_ASSIGNED = re.compile(
    r"""(WANDB_API_KEY|api_key|login\(\s*(?:key\s*=)?)["'\]]*\s*[=:,]?\s*["']"""
    r"""(?P<value>[A-Za-z0-9_\-]{20,})|^\s*(WANDB_API_KEY)\s*=\s*(?P<env>[A-Za-z0-9_\-]{20,})""",
    re.IGNORECASE,
)
# Files that hold credentials by their name alone (a .env may also hold other settings).
SECRET_FILES = (".env", ".netrc", "_netrc")
HIDDEN_KEY = "<the grader's key>"  # what a key the grader made up reads as in any feedback
_READ_LIMIT = 1_000_000  # bytes per file: keys sit in small text files


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the submission folder
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}" if self.line else f"{self.path}: {self.what}"


def scan_for_secrets(folder: Path) -> list[Finding]:
    """Key-like literals in any text file, and secret files (.env with a key, .netrc)."""
    findings: list[Finding] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        name = str(path.relative_to(folder))
        if path.name in (".netrc", "_netrc"):
            findings.append(Finding(name, 0, "a .netrc file holds login credentials"))
            continue
        try:
            text = path.read_bytes()[:_READ_LIMIT].decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if _KEY_LIKE.search(line):
                findings.append(Finding(name, number, "a 40-character hex string, like an API key"))
            elif (match := _ASSIGNED.search(line)) and not is_placeholder(
                match["value"] or match["env"]
            ):
                findings.append(
                    Finding(name, number, "WANDB_API_KEY/api key given a literal value")
                )
    return findings


def is_placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(word in lowered for word in ("your", "xxx", "here", "placeholder", "changeme"))


def secret_files(folder: Path) -> list[str]:
    return [name for name in SECRET_FILES if (folder / name).is_file()]


def redact(text: str, key: str) -> str:
    """``text`` with every occurrence of ``key`` replaced by ``HIDDEN_KEY``."""
    return text.replace(key, HIDDEN_KEY) if key else text
