"""What reached the server for one run, and how file_stream requests add to it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

HISTORY = "wandb-history.jsonl"
SUMMARY = "wandb-summary.json"
METADATA = "wandb-metadata.json"  # uploaded by the client: program, args, git commit, ...


@dataclass
class RunRecord:
    """What reached the server for one run."""

    entity: str
    project: str
    run_id: str
    config: dict[str, Any] = field(default_factory=dict)  # plain values, "_wandb" included
    history: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    exit_code: int | None = None
    complete: bool = False
    files: dict[str, list[str]] = field(default_factory=dict)  # raw file_stream lines
    number: int = 0  # creation order on the server (1, 2, ...)
    commit: str | None = None  # the git commit the client reported in UpsertBucket
    program: str | None = None
    job_type: str | None = None
    uploads: dict[str, bytes] = field(default_factory=dict)  # files PUT to their upload URLs

    @property
    def path(self) -> str:
        """``ENTITY/PROJECT/RUN_ID``, as ``wandb.Api().run()`` takes it."""
        return f"{self.entity}/{self.project}/{self.run_id}"

    @property
    def metadata(self) -> dict[str, Any] | None:
        """The uploaded ``wandb-metadata.json`` (None when none came or it is not JSON)."""
        try:
            found = json.loads(self.uploads[METADATA])
        except (KeyError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    @property
    def user_config(self) -> dict[str, Any]:
        """The config without W&B's own ``_wandb`` entry."""
        return {k: v for k, v in self.config.items() if k != "_wandb"}


def apply_file_stream(run: RunRecord, body: dict[str, Any]) -> None:
    """Apply one ``file_stream`` request body: file chunks, then completion and exit code."""
    for name, chunk in (body.get("files") or {}).items():
        if isinstance(chunk, dict):
            _apply_chunk(run, name, chunk)
    if body.get("complete"):
        run.complete = True
    if body.get("exitcode") is not None:
        run.exit_code = int(body["exitcode"])


def _apply_chunk(run: RunRecord, name: str, chunk: dict[str, Any]) -> None:
    lines = run.files.setdefault(name, [])
    offset = int(chunk.get("offset", len(lines)))
    content = [str(line) for line in chunk.get("content", [])]
    if name == SUMMARY:
        # Each upload is the whole summary, always at offset 0.
        run.files[name] = content
        if content:
            run.summary = json.loads(content[-1])
        return
    for position, line in enumerate(content, start=offset):
        if position < len(lines):
            # History lines never change, so a repeat is a resend; console lines can be
            # rewritten in place (progress bars).
            if name != HISTORY:
                lines[position] = line
            continue
        lines.append(line)
        if name == HISTORY:
            run.history.append(json.loads(line))
