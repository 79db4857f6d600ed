"""Checks shared by the exercises run against the fake W&B server (9, 10, 13, 14)."""

from __future__ import annotations

from grader.judge.failure import fail
from grader.readers.secrets import scan_for_secrets
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
