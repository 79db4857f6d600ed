"""A run of student code against its own fake W&B server (exercises with `wandb_server = true`)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from grader.fakewandb import FakeWandb
from grader.readers.secrets import is_placeholder, redact
from grader.sandbox import Sandbox

from .script import StudentRun, run_script


@dataclass
class OnlineRun(StudentRun):
    """A run of student code against its own fake W&B server, kept for inspection."""

    server: FakeWandb | None = None
    with_key: bool = True

    def used_other_keys(self) -> bool:
        """A request carried a real-looking key other than the injected one: a key from the
        code, a committed .env or .netrc (a template's placeholder does not count)."""
        return any(
            record.other_key and looks_real(record.other_key)
            for record in self.server.store.requests
        )


def looks_real(key: str) -> bool:
    """Not a placeholder such as 40 x's or "your-api-key-here"."""
    return len(set(key)) >= 8 and not is_placeholder(key)


def run_online(
    sandbox: Sandbox,
    script: str,
    args: list[str],
    *,
    with_key: bool = True,
    seed: Callable[[FakeWandb], None] | None = None,
) -> OnlineRun:
    """Run ``script`` with W&B pointed at a fresh fake server; the key, made up for this run,
    is given only through the environment (and never shown in any output)."""
    key = secrets.token_hex(20)
    with FakeWandb(api_key=key) as server:
        if seed is not None:
            seed(server)
        env = {"WANDB_MODE": "online", "WANDB_BASE_URL": server.base_url}
        if with_key:
            env["WANDB_API_KEY"] = key
        serve = {server.port: server.serve_socket}  # the run's own loopback port, see Sandbox
        student = run_script(sandbox, script, *args, env=env, serve=serve)
    result = student.result
    result.stdout = redact(result.stdout, key)
    result.stderr = redact(result.stderr, key)
    if student.trace.exception:
        student.trace.exception["text"] = redact(student.trace.exception["text"], key)
    return OnlineRun(result, student.trace, script, server, with_key)
