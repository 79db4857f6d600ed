"""A fake W&B server on 127.0.0.1 for running the real client (``wandb.init``, ``wandb.Api``).

Point the client at it with ``WANDB_BASE_URL=server.base_url`` and ``WANDB_API_KEY=<key>``.
"""

from __future__ import annotations

import encodings.idna  # noqa: F401  # loaded by the first host-name look-up (getaddrinfo, getfqdn)
import socket
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any

from .graphql import Identity
from .handler import ServerContext, request_handler
from .store import Store

HOST = "127.0.0.1"  # never anything else: student code must not reach beyond loopback
SEEDING_FAILED = "seeding failed:\n"  # how a late seeding's failure starts in store.errors


class _Server(ThreadingHTTPServer):
    # Request threads are joined by server_close(); stop() first cuts their connections, so
    # a keep-alive connection cannot feed the store after the context manager has exited.
    daemon_threads = False
    block_on_close = True

    def __init__(self, context: ServerContext, listener: socket.socket | None = None) -> None:
        handler = request_handler(context)
        if listener is None:
            super().__init__((HOST, 0), handler)
        else:  # a socket already listening, in a sandbox's network namespace
            super().__init__(listener.getsockname(), handler, bind_and_activate=False)
            self.socket.close()
            self.socket = listener
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up (wandb-core exits mid keep-alive) is normal

    def cut_connections(self) -> None:
        with self._open_lock:
            open_now = list(self._open)
        for connection in open_now:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client


class FakeWandb:
    """A fake W&B server; a context manager that serves on an ephemeral port of 127.0.0.1.

    Only ``api_key`` is accepted (any other key or none gets 401). The key's owner is the
    personal entity ``viewer_entity``, member of the team ``team_entity`` where seeded artifacts
    live. What reached the server is read from ``store`` (``requests``, ``links``, ``runs``...).

    >>> with FakeWandb(api_key="k" * 40) as server:  # doctest: +SKIP
    ...     server.seed_artifact("model", project="p", versions=[{"metadata": {"acc": 0.9}}])
    ...     env = server.client_env()  # WANDB_BASE_URL and WANDB_API_KEY for a subprocess
    >>> server.store.links  # doctest: +SKIP
    """

    def __init__(
        self,
        api_key: str,
        team_entity: str = "grader-team",
        viewer_entity: str = "student-personal",
    ) -> None:
        if not api_key:
            raise ValueError("the fake W&B server needs the one API key it accepts")
        self.api_key = api_key
        self.identity = Identity(viewer_entity=viewer_entity, team_entity=team_entity)
        self.store = Store()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._extra: list[tuple[_Server, threading.Thread]] = []
        self._extra_lock = threading.Lock()
        self._open = threading.Event()  # cleared while the server is on hold
        self._open.set()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakeWandb:
        if self._httpd is not None:
            raise RuntimeError("the fake W&B server is already running")
        self._httpd = _Server(self._context())
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # shutdown() returns within this
            name=f"fakewandb-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_socket(self, listener: socket.socket) -> None:
        """Also serve on ``listener``, a socket listening elsewhere (a sandbox's own loopback),
        with the same key, identity and store; it is closed by ``stop``."""
        if self._httpd is None:
            listener.close()
            raise RuntimeError("the fake W&B server is not running")
        extra = _Server(self._context(), listener)
        thread = threading.Thread(
            target=extra.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fakewandb-{self.port}-sandbox",
            daemon=True,
        )
        thread.start()
        with self._extra_lock:
            self._extra.append((extra, thread))

    def _context(self) -> ServerContext:
        return ServerContext(self.api_key, self.identity, self.store, self._open)

    # -- holding requests while seeding -------------------------------------------------------

    def hold(self) -> None:
        """Answer nothing until ``release()``: requests wait (at most a minute), so a client
        may start while what it will ask for is still being made."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def seed_when_ready(self, ready: Future, seed: Callable[[FakeWandb, object], None]) -> None:
        """Hold the server until ``ready`` is done, then ``seed(self, ready.result())`` and
        release it (also when ``ready`` failed: its owner sees that failure; a failure of
        ``seed`` lands in ``store.errors``, starting with ``SEEDING_FAILED``)."""
        self.hold()

        def seed_then_release(done: Future) -> None:
            try:
                if done.exception() is None:
                    seed(self, done.result())
            except Exception:
                self.store.record_error(SEEDING_FAILED + traceback.format_exc())
            finally:
                self.release()

        ready.add_done_callback(seed_then_release)

    def stop(self) -> None:
        """Stop serving, close the ports and every connection, and join the threads."""
        self.release()  # no request thread may wait for a seeding that will not come
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        with self._extra_lock:
            servers = [(httpd, self._thread), *self._extra]
            self._extra = []
        for server, _ in servers:
            server.shutdown()
            server.cut_connections()
            server.server_close()
        for _, thread in servers:
            if thread is not None:
                thread.join(timeout=10)

    def __enter__(self) -> FakeWandb:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def thread(self) -> threading.Thread | None:
        """The serving thread (for checking that it ended)."""
        return self._thread

    # -- addresses ----------------------------------------------------------------------------

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the listening socket is bound to."""
        if self._httpd is None:
            raise RuntimeError("the fake W&B server is not running")
        host, port = self._httpd.socket.getsockname()[:2]
        return str(host), int(port)

    @property
    def port(self) -> int:
        return self.address[1]

    @property
    def base_url(self) -> str:
        """The value for ``WANDB_BASE_URL``."""
        return f"http://{HOST}:{self.port}"

    def client_env(self, api_key: str | None = None) -> dict[str, str]:
        """``WANDB_BASE_URL`` and ``WANDB_API_KEY`` (this server's key unless one is given)."""
        return {"WANDB_BASE_URL": self.base_url, "WANDB_API_KEY": api_key or self.api_key}

    # -- seeding ------------------------------------------------------------------------------

    def seed_artifact(
        self,
        name: str,
        *,
        project: str,
        entity: str | None = None,
        type: str = "model",
        versions: list[dict[str, Any]] | None = None,
    ) -> None:
        """Pre-create ``entity/project/name`` (entity defaults to the team) with v0..vN.

        ``versions`` holds one dict per version: ``metadata``, ``aliases``, ``description``,
        ``files`` (path in the artifact -> bytes, served to ``download()``), all optional; the
        last version also gets ``latest``. Calling again adds versions.
        """
        self.store.seed_artifact(entity or self.identity.team_entity, project, name, type, versions)

    def seed_link(
        self,
        source: str,
        registry: str,
        *,
        aliases: list[str] | tuple[str, ...] = (),
        entity: str | None = None,
        project: str = "model-registry",
    ) -> str:
        """Link the seeded ``PROJECT/NAME:VERSION`` into ``entity/project/registry`` (the
        team's model registry by default) with ``aliases``, as if someone had linked it before;
        the newest link gets ``latest``. Not recorded in ``store.links``. Returns its version
        in the registry (``v0``, ``v1``, ...)."""
        return self.store.seed_link(
            entity or self.identity.team_entity, source, project, registry, list(aliases)
        )
