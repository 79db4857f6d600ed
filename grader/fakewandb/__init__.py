"""A fake W&B server on 127.0.0.1 that the real ``wandb`` client can run against.

Public surface: ``FakeWandb`` (context manager: ``base_url``, ``client_env()``,
``seed_artifact()``), its ``store`` (``requests``, ``links``, ``runs``, ``operations``,
``rejected``, ``errors``) and the records that returns.
"""

from __future__ import annotations

from .handler import key_from_header
from .runs import RunRecord
from .server import FakeWandb
from .store import LinkRecord, RequestRecord, Store

__all__ = ["FakeWandb", "LinkRecord", "RequestRecord", "RunRecord", "Store", "key_from_header"]
