"""A fake W&B server on 127.0.0.1 that the real ``wandb`` client can run against.

Public surface: ``FakeWandb`` (context manager: ``base_url``, ``client_env()``,
``seed_artifact()`` with files, ``seed_link()``), its ``store`` (``requests``, ``links``,
``downloads``, ``runs``, ``operations``, ``rejected``, ``errors``) and the records that returns.
"""

from __future__ import annotations

from .handler import key_from_header
from .runs import RunRecord
from .server import SEEDING_FAILED, FakeWandb
from .store import MANIFEST, DownloadRecord, LinkRecord, RequestRecord, Store

__all__ = [
    "MANIFEST",
    "SEEDING_FAILED",
    "DownloadRecord",
    "FakeWandb",
    "LinkRecord",
    "RequestRecord",
    "RunRecord",
    "Store",
    "key_from_header",
]
