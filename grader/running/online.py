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
    server: FakeWandb | None = None,
    **options,
) -> OnlineRun:
    """Run ``script`` with W&B pointed at a fake server; the key is given only through the
    environment (and never shown in any output).

    Without ``server`` the run gets a fresh one, with a key made up for it (``seed`` fills it
    first); with one (running, from ``shared_server``) several runs meet on it, a training run
    and a script reading it back, say. Other ``options`` go to ``Sandbox.run``."""
    if server is not None:
        return _against(server, sandbox, script, args, with_key, options)
    with FakeWandb(api_key=secrets.token_hex(20)) as own:
        if seed is not None:
            seed(own)
        return _against(own, sandbox, script, args, with_key, options)


def shared_server() -> FakeWandb:
    """A fake server for several runs, with a key made up for it; the caller stops it."""
    return FakeWandb(api_key=secrets.token_hex(20)).start()


def _against(
    server: FakeWandb, sandbox: Sandbox, script: str, args: list[str], with_key: bool, options
) -> OnlineRun:
    key = server.api_key
    env = {**options.pop("env", {}), "WANDB_MODE": "online", "WANDB_BASE_URL": server.base_url}
    if with_key:
        env["WANDB_API_KEY"] = key
    serve = {server.port: server.serve_socket}  # the run's own loopback port, see Sandbox
    student = run_script(sandbox, script, *args, env=env, serve=serve, **options)
    result = student.result
    result.stdout = redact(result.stdout, key)
    result.stderr = redact(result.stderr, key)
    if student.trace.exception:
        student.trace.exception["text"] = redact(student.trace.exception["text"], key)
    return OnlineRun(result, student.trace, script, server, with_key)
