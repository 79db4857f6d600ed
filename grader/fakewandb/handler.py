"""The HTTP side of the fake server: read a request, check the key, answer, record it."""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import traceback
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar
from urllib.parse import unquote

from . import graphql
from .run_answers import RUN_FILES
from .store import MANIFEST, RequestRecord, Store

_FILE_STREAM = re.compile(r"^/files/([^/]+)/([^/]+)/([^/]+)/file_stream$")
# A run's files, PUT to (and read from) the URLs CreateRunFiles hands out.
_RUN_FILE = re.compile(rf"^{RUN_FILES}/([^/]+)/([^/]+)/([^/]+)/([^/]+)/([^/]+)$")
# Signed URLs from GraphQL answers, fetched without a key (as from a cloud bucket).
_SIGNED = re.compile(rf"^{graphql.SIGNED}/([^/]+)/(manifest|file)/(\d+)(?:/(.+))?$")
# Where the client fetches a file by its digest, with the key, when it has no signed URL
# (``artifact.get_entry(...).download()``, ``artifact.file()``): storage layouts V1 and V2.
_BY_DIGEST = re.compile(r"^/artifacts(?:V2)?/(?:.*/)?([0-9a-f]{32})(?:/[^/]*)?$")
# The SDK's own telemetry (OpenTelemetry, protobuf) arrives without any key; a 401 there only
# prints "Failed to export metrics batch code: 401" into the student's stderr.
PUBLIC_PREFIXES = ("/sdk/otel/",)
MAX_BODY_BYTES = 64 << 20  # the largest request body read (a run's file, a file_stream batch)


class BodyTooLarge(ValueError):
    """A request body beyond MAX_BODY_BYTES: answered 413, never read into memory."""


UNAUTHORIZED = {"errors": [{"message": "invalid API key"}]}
HOLD_LIMIT_S = 60.0  # the longest a request waits for a server on hold (see FakeWandb.hold)


def key_from_header(header: str | None) -> str | None:
    """The API key in ``Authorization: Basic base64("api:<key>")``, or None."""
    if not header or not header.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    _, sep, key = decoded.partition(":")
    return key if sep else None


def operation_name(payload: dict[str, Any]) -> str | None:
    """``operationName``, or the name in ``query Name(...`` when the client sent none."""
    if name := payload.get("operationName"):
        return str(name)
    query = payload.get("query")
    if isinstance(query, str) and (m := re.search(r"\b(?:query|mutation)\s+(\w+)", query)):
        return m.group(1)
    return None


@dataclass(frozen=True)
class ServerContext:
    """What every request of one fake server needs: the accepted key, its owner, the store."""

    api_key: str
    identity: graphql.Identity
    store: Store
    # Set while the server answers; cleared while it is on hold (being seeded late).
    open: threading.Event = field(default_factory=lambda: _opened(threading.Event()))


def _opened(event: threading.Event) -> threading.Event:
    event.set()
    return event


def request_handler(context: ServerContext) -> type[RequestHandler]:
    """A ``RequestHandler`` class bound to ``context``, for ``http.server`` to instantiate."""

    class BoundRequestHandler(RequestHandler):
        pass

    BoundRequestHandler.context = context
    return BoundRequestHandler


class RequestHandler(BaseHTTPRequestHandler):
    """One connection of the W&B client: each request answered and recorded in the store."""

    # HTTP/1.1 lets wandb-core keep its connections; every answer carries a Content-Length.
    protocol_version = "HTTP/1.1"
    timeout = 30  # an idle keep-alive connection ends, and its thread with it
    context: ClassVar[ServerContext]  # set by request_handler()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log is the record; the grader's stderr stays clean

    # Every method is served: the base class would answer 501 to the others, and a 5xx makes
    # the client retry for minutes.
    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def do_HEAD(self) -> None:
        self._serve(with_body=False)

    def _body(self) -> bytes:
        """The request's body, refused beyond MAX_BODY_BYTES (also once decompressed: the
        server lives in the grader's process, and a student's script chooses what it sends)."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.close_connection = True  # the body stays unread
            raise BodyTooLarge(f"a request body of {length} bytes")
        data = self.rfile.read(length)
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            inflate = zlib.decompressobj(wbits=31)
            data = inflate.decompress(data, MAX_BODY_BYTES + 1)
            if len(data) > MAX_BODY_BYTES or inflate.unconsumed_tail:
                raise BodyTooLarge("a gzip body that inflates beyond the limit")
        return data

    @staticmethod
    def _payload(data: bytes) -> dict[str, Any]:
        try:
            payload = json.loads(data) if data.strip() else {}
        except ValueError:  # e.g. the telemetry's protobuf
            return {}
        return payload if isinstance(payload, dict) else {}

    def _serve(self, with_body: bool = True) -> None:
        self.context.open.wait(HOLD_LIMIT_S)  # a server on hold answers once it is released
        path = self.path.split("?", 1)[0]
        given = key_from_header(self.headers.get("Authorization"))
        key_valid = given == self.context.api_key
        is_graphql = path.rstrip("/") == "/graphql"
        operation: str | None = None
        variables: dict[str, Any] = {}
        payload: dict[str, Any] = {}
        body: dict[str, Any] | bytes
        try:
            data = self._body()
            payload = self._payload(data)
            if is_graphql:
                operation = operation_name(payload)
                variables = payload.get("variables") or {}
            if path.startswith(graphql.SIGNED + "/"):
                status, body = self._signed(path)
            elif match := _RUN_FILE.match(path):
                status, body = self._run_file(match, data)
                payload = {}
            else:
                status, body = self._answer(
                    path, is_graphql, operation, variables, payload, key_valid
                )
        except BodyTooLarge as error:
            status, body = 413, {"errors": [{"message": f"too large: {error}"}]}
        except Exception:  # a bug here must not become a 5xx: the client would retry for minutes
            self.context.store.record_error(traceback.format_exc())
            status, body = 400, {"errors": [{"message": "fake W&B server error"}]}
        record = RequestRecord(
            method=self.command,
            path=path,
            operation=operation,
            variables=variables,
            key_valid=key_valid,
            key_given=bool(given),
            other_key=given if given and not key_valid else None,
            status=status,
            payload=None if is_graphql or not payload else payload,
        )
        self.context.store.record_request(record)
        self._send(status, body, with_body)

    def _answer(
        self,
        path: str,
        is_graphql: bool,
        operation: str | None,
        variables: dict[str, Any],
        payload: dict[str, Any],
        key_valid: bool,
    ) -> tuple[int, dict[str, Any] | bytes]:
        if not key_valid and not path.startswith(PUBLIC_PREFIXES):
            return 401, UNAUTHORIZED
        if is_graphql:
            answer = graphql.execute(
                self.context.store, self.context.identity, operation, variables, self._base_url()
            )
            return answer.status, answer.body
        if match := _FILE_STREAM.match(path):
            entity, project, run_id = match.groups()
            self.context.store.stream(entity, project, run_id, payload)
        if match := _BY_DIGEST.match(path):
            return self._by_digest(match.group(1))
        return 200, {}  # file_stream, telemetry, anything else: accepted

    def _base_url(self) -> str:
        """The server as the client reached it (the sandbox's loopback port is the same)."""
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        return f"http://{host}"

    def _signed(self, path: str) -> tuple[int, dict[str, Any] | bytes]:
        """A manifest or a file by signed URL: the token stands for the key."""
        store = self.context.store
        match = _SIGNED.match(path)
        if not match or match.group(1) != store.url_token:
            return 403, {"errors": [{"message": "bad or expired signature"}]}
        _, kind, number, name = match.groups()
        artifact = store.artifact_by_number(int(number))
        if artifact is None:
            return 404, {"errors": [{"message": "no such artifact"}]}
        if kind == "manifest":
            store.record_download(artifact, MANIFEST, signed=True)
            return 200, store.manifest(artifact)
        stored = artifact.files.get(unquote(name or ""))
        if stored is None:
            return 404, {"errors": [{"message": "no such file"}]}
        store.record_download(artifact, unquote(name or ""), signed=True)
        return 200, stored.data

    def _run_file(self, match: re.Match, data: bytes) -> tuple[int, dict[str, Any] | bytes]:
        """A run's file by its URL from CreateRunFiles: PUT stores it, GET reads it back."""
        store = self.context.store
        token, *parts = (unquote(part) for part in match.groups())
        if token != store.url_token:
            return 403, {"errors": [{"message": "bad or expired signature"}]}
        entity, project, run_id, name = parts
        if self.command in ("PUT", "POST"):
            if not store.upload(entity, project, run_id, name, data):
                return 413, {"errors": [{"message": "the run's files exceed the server's room"}]}
            return 200, {}
        run = store.find_run(entity, project, run_id)
        if run is None or name not in run.uploads:
            return 404, {"errors": [{"message": "no such file"}]}
        return 200, run.uploads[name]

    def _by_digest(self, md5_hex: str) -> tuple[int, dict[str, Any] | bytes]:
        store = self.context.store
        found = store.file_by_digest(md5_hex)
        if found is None:
            return 404, {"errors": [{"message": "no such file"}]}
        artifact, name = found
        store.record_download(artifact, name, signed=False)
        return 200, artifact.files[name].data

    def _send(self, status: int, body: dict[str, Any] | bytes, with_body: bool) -> None:
        binary = isinstance(body, bytes)
        data = body if binary else json.dumps(body).encode()
        self.send_response(status)
        self.send_header(
            "Content-Type", "application/octet-stream" if binary else "application/json"
        )
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if with_body:
            self.wfile.write(data)
