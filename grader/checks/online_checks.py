"""Checks shared by the exercises run against the fake W&B server (9, 10, 13, 14)."""

from __future__ import annotations

from collections.abc import Iterable

from grader.fakewandb import LinkRecord
from grader.judge.failure import fail
from grader.readers.secrets import scan_for_secrets
from grader.running import OnlineRun
from grader.sandbox import Sandbox


def require_no_secret_in_files(sandbox: Sandbox) -> None:
    findings = scan_for_secrets(sandbox.source)
    if findings:
        fail(
            "no API key written into the submission's files",
            "\n".join(str(finding) for finding in findings[:5]),
            "anyone with a copy of these files can use the key: take it out, revoke it, and "
            "read it from WANDB_API_KEY instead",
        )


def require_key_only_from_environment(
    keyless: OnlineRun, runs: Iterable[OnlineRun], acted: bool, action: str, thing: str
) -> None:
    """The run without WANDB_API_KEY asked nothing, did nothing (``acted`` says whether it did
    ``action``, e.g. "link", on ``thing``) and failed; no run sent another key than the one
    given."""
    if keyless.trace.prompts:
        prompt = keyless.trace.prompts[0]
        fail(
            "a clear error, not a question, when WANDB_API_KEY is not set",
            f"the script asked for input with {prompt['function']}({prompt['prompt']!r})",
            "scripts run by CI or other programs have nobody to answer a prompt",
        )
    if acted:
        fail(
            f"no {action} when WANDB_API_KEY is not set",
            f"the script {action}ed {thing} without the key: it found credentials elsewhere",
        )
    if keyless.result.ok:
        fail(
            "a non-zero exit status when WANDB_API_KEY is not set",
            f"the script exited with code 0 without {action}ing anything",
        )
    if any(run.used_other_keys() for run in runs):
        fail(
            "only the key from WANDB_API_KEY to be used",
            "the server was sent another key than the one in WANDB_API_KEY",
            "a key written into the script (or a .env file in the submission) overrides the "
            "environment's",
        )


def require_link(run: OnlineRun, command: str, what: str) -> LinkRecord:
    """The run's last link (the alias ends up on it); ``what`` says what `command` links."""
    links = run.server.store.links
    if not links:
        seen = "the server was asked to link nothing"
        if run.used_other_keys():
            seen += "; it refused a key other than WANDB_API_KEY's"
        fail(f"`{command}` to link {what}", seen + "\n" + run.crash_report())
    return links[-1]
