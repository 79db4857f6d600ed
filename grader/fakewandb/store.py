"""The fake server's state: artifacts (with their files), collections, links, runs, downloads
and the request log.

Every public method takes the store's lock, so the HTTP handler threads and the test or check
reading the results see consistent data. Readers get copies, never live objects.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import secrets
import threading
import zlib
from dataclasses import dataclass, field
from typing import Any

from .runs import RunRecord, apply_file_stream

# One fixed timestamp keeps answers deterministic; the client only parses it.
TIMESTAMP = "2026-01-01T00:00:00"
SEQUENCE = "ArtifactSequence"
PORTFOLIO = "ArtifactPortfolio"
MANIFEST = "wandb_manifest.json"  # what a manifest download is recorded as
UPLOADS_LIMIT = 256 << 20  # bytes of run files kept (the server lives in the grader's memory)
_VERSION = re.compile(r"^v(\d+)$")


def gql_id(kind: str, number: int) -> str:
    """A GraphQL id in W&B's style: base64 of ``Kind:number``."""
    return base64.b64encode(f"{kind}:{number}".encode()).decode()


def stable_number(*parts: str) -> int:
    """A number derived from names, the same in every process (``hash`` is salted)."""
    return zlib.crc32("\x1f".join(parts).encode()) % 10**6


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP request as the server saw it."""

    method: str
    path: str
    operation: str | None  # GraphQL operationName; None for non-GraphQL requests
    variables: dict[str, Any]
    key_valid: bool
    status: int  # the HTTP status the server answered
    payload: dict[str, Any] | None = None  # the JSON body of a non-GraphQL request (file_stream)
    key_given: bool = False  # a key was sent at all (a wrong one, when key_valid is False)
    # The key sent when it was not the accepted one (to tell a real-looking key in the code from
    # a template's placeholder); never shown in any output.
    other_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class LinkRecord:
    """One ``LinkArtifact`` the server carried out."""

    source_id: str
    source_entity: str
    source_project: str
    source_name: str  # collection name, e.g. "corrupt_mnist_model"
    source_version: str  # e.g. "v1"
    target_entity: str
    target_project: str
    portfolio: str  # the registry collection's name
    aliases: tuple[str, ...]  # as the client sent them
    target_version: str  # the version the link got inside the portfolio

    def __str__(self) -> str:
        source = f"{self.source_entity}/{self.source_project}/{self.source_name}"
        target = f"{self.target_entity}/{self.target_project}/{self.portfolio}"
        return f"{source}:{self.source_version} -> {target} aliases {list(self.aliases)}"


@dataclass(frozen=True)
class DownloadRecord:
    """One artifact file (or manifest) the server handed out."""

    artifact_id: str
    entity: str  # the artifact's source sequence, whatever path the client asked through
    project: str
    name: str
    version: str  # e.g. "v1", in its source sequence
    path: str  # the file's path in the artifact, or MANIFEST
    signed: bool  # through a signed URL from a GraphQL answer (else with the key, by digest)


@dataclass(frozen=True)
class StoredFile:
    """A file of an artifact: its bytes and the digests the client checks."""

    data: bytes

    @property
    def md5_hex(self) -> str:
        return hashlib.md5(self.data).hexdigest()

    @property
    def md5_b64(self) -> str:
        """The manifest's digest: base64 of the MD5."""
        return base64.b64encode(hashlib.md5(self.data).digest()).decode()


@dataclass
class Artifact:
    number: int
    entity: str
    project: str
    name: str  # its source sequence
    type: str
    version_index: int
    metadata: dict[str, Any]
    description: str | None = None
    files: dict[str, StoredFile] = field(default_factory=dict)  # by path in the artifact

    @property
    def id(self) -> str:
        return gql_id("Artifact", self.number)

    @property
    def size(self) -> int:
        return sum(len(f.data) for f in self.files.values())


@dataclass
class Membership:
    artifact: Artifact
    version_index: int
    aliases: list[str]


@dataclass
class Collection:
    number: int
    entity: str
    project: str
    name: str
    type: str
    kind: str  # SEQUENCE (where versions are made) or PORTFOLIO (links, registries)
    members: list[Membership] = field(default_factory=list)

    @property
    def id(self) -> str:
        return gql_id("ArtifactCollection", self.number)

    def find(self, version_or_alias: str) -> Membership | None:
        """The membership for ``v3`` or for an alias such as ``latest``."""
        if match := _VERSION.match(version_or_alias):
            index = int(match.group(1))
            return next((m for m in self.members if m.version_index == index), None)
        return next((m for m in self.members if version_or_alias in m.aliases), None)

    def move_aliases(self, target: Membership, aliases: list[str]) -> None:
        """Give ``aliases`` to ``target``; an alias names one version per collection."""
        for member in self.members:
            if member is not target:
                member.aliases = [a for a in member.aliases if a not in aliases]
        target.aliases += [a for a in aliases if a not in target.aliases]


class Store:
    """All state of one fake server."""

    def __init__(self) -> None:
        # Re-entrant: the GraphQL layer holds it across a whole answer while calling methods.
        self.lock = threading.RLock()
        self._requests: list[RequestRecord] = []
        self._errors: list[str] = []
        self._links: list[LinkRecord] = []
        self._runs: dict[tuple[str, str, str], RunRecord] = {}
        self._collections: list[Collection] = []
        self._projects: set[tuple[str, str]] = set()
        self._downloads: list[DownloadRecord] = []
        self._counter = 0
        # The secret part of the "signed" URLs the server hands out for artifact files: only
        # an answer to a request with the right key tells it (like a cloud bucket's signed URL).
        self.url_token = secrets.token_urlsafe(18)

    # -- reading (copies) -------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request so far, in arrival order."""
        with self.lock:
            return list(self._requests)

    @property
    def operations(self) -> list[str]:
        """The GraphQL operation names received, in order."""
        with self.lock:
            return [r.operation for r in self._requests if r.operation is not None]

    @property
    def rejected(self) -> list[RequestRecord]:
        """Requests answered 401 (wrong or missing key)."""
        with self.lock:
            return [r for r in self._requests if r.status == 401]

    @property
    def errors(self) -> list[str]:
        """Tracebacks of the server's own failures (answered 400); empty when all went well."""
        with self.lock:
            return list(self._errors)

    @property
    def links(self) -> list[LinkRecord]:
        """Every ``LinkArtifact`` carried out, in order."""
        with self.lock:
            return list(self._links)

    @property
    def downloads(self) -> list[DownloadRecord]:
        """Every artifact file and manifest handed out, in order."""
        with self.lock:
            return list(self._downloads)

    @property
    def runs(self) -> dict[tuple[str, str, str], RunRecord]:
        """Runs by (entity, project, run id): config, history, summary, exit code."""
        with self.lock:
            return copy.deepcopy(self._runs)

    # -- recording ----------------------------------------------------------------------------

    def record_request(self, record: RequestRecord) -> None:
        with self.lock:
            self._requests.append(record)

    def record_error(self, text: str) -> None:
        with self.lock:
            self._errors.append(text)

    # -- artifacts ----------------------------------------------------------------------------

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def _collection(self, entity: str, project: str, name: str) -> Collection | None:
        return next(
            (
                c
                for c in self._collections
                if (c.entity, c.project, c.name) == (entity, project, name)
            ),
            None,
        )

    def seed_artifact(
        self,
        entity: str,
        project: str,
        name: str,
        type: str = "model",
        versions: list[dict[str, Any]] | None = None,
    ) -> None:
        """Create a collection with versions v0..vN.

        Each entry of ``versions`` may hold ``metadata`` (dict), ``aliases`` (list),
        ``description`` and ``files`` (path in the artifact -> bytes). The last version also
        gets ``latest``, as on the real server.
        """
        versions = versions if versions is not None else [{}]
        if not versions:
            raise ValueError("an artifact needs at least one version")
        with self.lock:
            self._projects.add((entity, project))
            collection = self._collection(entity, project, name)
            if collection is None:
                collection = Collection(self._next(), entity, project, name, type, SEQUENCE)
                self._collections.append(collection)
            for spec in versions:
                index = len(collection.members)
                artifact = Artifact(
                    self._next(),
                    entity,
                    project,
                    name,
                    type,
                    index,
                    dict(spec.get("metadata", {})),
                    spec.get("description"),
                    {str(p): StoredFile(bytes(d)) for p, d in spec.get("files", {}).items()},
                )
                member = Membership(artifact, index, [])
                collection.members.append(member)
                collection.move_aliases(member, list(spec.get("aliases", [])))
            collection.move_aliases(collection.members[-1], ["latest"])

    def project_exists(self, entity: str, project: str) -> bool:
        with self.lock:
            return (entity, project) in self._projects

    def membership(
        self, entity: str, project: str, name: str, version: str
    ) -> tuple[Collection, Membership] | None:
        """Resolve ``name:version`` (version, or alias) in a collection."""
        with self.lock:
            collection = self._collection(entity, project, name)
            member = collection.find(version) if collection else None
            return (collection, member) if collection and member else None

    def collection(self, entity: str, project: str, name: str) -> Collection | None:
        with self.lock:
            return self._collection(entity, project, name)

    def artifact_by_id(self, artifact_id: str) -> Artifact | None:
        with self.lock:
            for collection in self._collections:
                for member in collection.members:
                    if member.artifact.id == artifact_id:
                        return member.artifact
            return None

    def memberships_of(self, artifact: Artifact) -> list[tuple[Collection, Membership]]:
        """Every collection holding ``artifact`` (its sequence first, then registries)."""
        with self.lock:
            return [(c, m) for c in self._collections for m in c.members if m.artifact is artifact]

    def update_artifact(
        self, artifact: Artifact, metadata: str | None, description: str | None
    ) -> None:
        with self.lock:
            if metadata is not None:
                artifact.metadata = json.loads(metadata)
            if description is not None:
                artifact.description = description

    def link(
        self,
        artifact: Artifact,
        target_entity: str,
        target_project: str,
        portfolio: str,
        aliases: list[str],
    ) -> tuple[Collection, Membership]:
        """Link ``artifact`` into a portfolio (created on demand) and record the link."""
        with self.lock:
            collection, member = self._link(
                artifact, target_entity, target_project, portfolio, aliases
            )
            self._links.append(
                LinkRecord(
                    source_id=artifact.id,
                    source_entity=artifact.entity,
                    source_project=artifact.project,
                    source_name=artifact.name,
                    source_version=f"v{artifact.version_index}",
                    target_entity=target_entity,
                    target_project=target_project,
                    portfolio=portfolio,
                    aliases=tuple(aliases),
                    target_version=f"v{member.version_index}",
                )
            )
            return collection, member

    def seed_link(
        self,
        entity: str,
        source: str,
        target_project: str,
        portfolio: str,
        aliases: list[str],
    ) -> str:
        """Link the seeded ``PROJECT/NAME:VERSION`` of ``entity`` into ``entity/target_project/
        portfolio`` before any client comes (not recorded in ``links``); its version there."""
        project, _, rest = source.partition("/")
        name, _, version = rest.partition(":")
        with self.lock:
            found = self.membership(entity, project, name, version or "latest")
            if found is None:
                raise ValueError(f"no seeded artifact {entity}/{source} to link")
            _, member = self._link(found[1].artifact, entity, target_project, portfolio, aliases)
            return f"v{member.version_index}"

    def _link(
        self,
        artifact: Artifact,
        target_entity: str,
        target_project: str,
        portfolio: str,
        aliases: list[str],
    ) -> tuple[Collection, Membership]:
        self._projects.add((target_entity, target_project))
        collection = self._collection(target_entity, target_project, portfolio)
        if collection is None:
            collection = Collection(
                self._next(), target_entity, target_project, portfolio, artifact.type, PORTFOLIO
            )
            self._collections.append(collection)
        member = next((m for m in collection.members if m.artifact is artifact), None)
        if member is None:
            member = Membership(artifact, len(collection.members), [])
            collection.members.append(member)
        collection.move_aliases(member, [*aliases, "latest"])
        return collection, member

    # -- files --------------------------------------------------------------------------------

    def manifest(self, artifact: Artifact) -> dict[str, Any]:
        """The artifact's manifest as the client reads it (``wandb_manifest.json``)."""
        with self.lock:
            contents = {
                path: {"digest": f.md5_b64, "size": len(f.data), "birthArtifactID": artifact.id}
                for path, f in sorted(artifact.files.items())
            }
        return {
            "version": 1,
            "storagePolicy": "wandb-storage-policy-v1",
            "storagePolicyConfig": {"storageLayout": "V2"},
            "contents": contents,
        }

    def artifact_by_number(self, number: int) -> Artifact | None:
        with self.lock:
            return next(
                (
                    m.artifact
                    for c in self._collections
                    for m in c.members
                    if m.artifact.number == number
                ),
                None,
            )

    def file_by_digest(self, md5_hex: str) -> tuple[Artifact, str] | None:
        """An artifact holding a file with this MD5 (hex), and the file's path in it."""
        with self.lock:
            for collection in self._collections:
                if collection.kind != SEQUENCE:
                    continue
                for member in collection.members:
                    for path, stored in member.artifact.files.items():
                        if stored.md5_hex == md5_hex:
                            return member.artifact, path
            return None

    def record_download(self, artifact: Artifact, path: str, signed: bool) -> None:
        with self.lock:
            self._downloads.append(
                DownloadRecord(
                    artifact.id,
                    artifact.entity,
                    artifact.project,
                    artifact.name,
                    f"v{artifact.version_index}",
                    path,
                    signed,
                )
            )

    # -- runs ---------------------------------------------------------------------------------

    def upsert_run(
        self,
        entity: str,
        project: str,
        run_id: str,
        config: dict[str, Any] | None,
        *,
        commit: str | None = None,
        program: str | None = None,
        job_type: str | None = None,
    ) -> RunRecord:
        """Create or update a run (the client sends UpsertBucket several times: what a later
        call leaves out is kept)."""
        with self.lock:
            run = self._run(entity, project, run_id)
            if config is not None:
                run.config = config
            run.commit = commit or run.commit
            run.program = program or run.program
            run.job_type = job_type or run.job_type
            return run

    def _run(self, entity: str, project: str, run_id: str) -> RunRecord:
        key = (entity, project, run_id)
        if key not in self._runs:
            self._runs[key] = RunRecord(entity, project, run_id, number=len(self._runs) + 1)
        return self._runs[key]

    def find_run(self, entity: str, project: str, run_id: str) -> RunRecord | None:
        """The run itself (for answers, under the lock); readers use ``runs``."""
        with self.lock:
            return self._runs.get((entity, project, run_id))

    def runs_in(self, entity: str, project: str) -> list[RunRecord]:
        """The project's runs, newest first (as the W&B app lists them)."""
        with self.lock:
            found = [r for (e, p, _), r in self._runs.items() if (e, p) == (entity, project)]
            return sorted(found, key=lambda run: -run.number)

    def upload(self, entity: str, project: str, run_id: str, name: str, data: bytes) -> bool:
        """A run file PUT to the upload URL that CreateRunFiles handed out; False (nothing
        kept) once every run's files together would pass UPLOADS_LIMIT."""
        with self.lock:
            run = self._run(entity, project, run_id)
            kept = sum(len(d) for r in self._runs.values() for d in r.uploads.values())
            if kept - len(run.uploads.get(name, b"")) + len(data) > UPLOADS_LIMIT:
                return False
            run.uploads[name] = data
            return True

    def stream(self, entity: str, project: str, run_id: str, body: dict[str, Any]) -> None:
        """Apply one file_stream request body to the run."""
        with self.lock:
            apply_file_stream(self._run(entity, project, run_id), body)
