"""Read a W&B offline run log (``run-<id>.wandb``) without W&B's servers.

wandb 0.30/0.31 ship no public offline reader, so this follows the file format itself:

* a 7-byte header: ``b":W&B"``, uint16 LE ``0xBEE1``, uint8 version ``0``;
* then a LevelDB-log stream cut into 32 KiB blocks (the header counts in block 0). A chunk is
  uint32 CRC, uint16 length, uint8 type (1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST) and its payload;
  fewer than 7 bytes left in a block are zero padding. CRC = crc32(payload, crc32(type byte));
* each whole payload is a serialized ``wandb.proto.wandb_internal_pb2.Record``.

The reader never raises on damage past the header: it keeps what it can read, lists what was
wrong in ``errors`` and sets ``truncated`` when the file stops inside a chunk or a record (as
after a kill or ``os._exit``: wandb writes whole 32 KiB blocks, so a cut lands mid-record).
"""

from __future__ import annotations

import json
import struct
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

HEADER = struct.Struct("<4sHB")
MAGIC = b":W&B"
MAGIC_NUMBER = 0xBEE1
FORMAT_VERSION = 0
BLOCK_SIZE = 32 * 1024
CHUNK_HEADER = struct.Struct("<IHB")
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4
CHUNK_NAMES = {FULL: "FULL", FIRST: "FIRST", MIDDLE: "MIDDLE", LAST: "LAST"}

# W&B's own bookkeeping keys, not the student's config or summary.
INTERNAL_KEYS = frozenset({"_wandb"})


class WandbLogError(ValueError):
    """The file is not a W&B run log (bad or missing header), or a value points outside the run."""


class ArtifactFile(NamedTuple):
    """One file of an artifact's manifest. ``local_path`` is wandb's staging copy."""

    path: str
    size: int
    digest: str
    local_path: str


@dataclass(frozen=True)
class ArtifactRecord:
    """An artifact logged by the run (``run.log_artifact``)."""

    name: str
    type: str
    metadata: dict[str, Any]
    aliases: tuple[str, ...]
    files: tuple[ArtifactFile, ...]
    digest: str = ""
    description: str = ""


@dataclass(frozen=True)
class LogScan:
    """Raw result of reading the chunk stream: whole payloads with the offset they start at."""

    records: list[tuple[int, bytes]]
    errors: list[str]
    truncated: bool


@dataclass(frozen=True)
class WandbRun:
    """What an offline run recorded.

    wandb stores a logged value under a key path (``nested_key``): a media value is split into
    its fields (``["img", "_type"]``, ``["img", "path"]``...) and ``{"val": {"loss": x}}`` into
    ``["val", "loss"]``. Paths are rebuilt as nested dicts, so rows read as they were logged;
    a key written with a slash (``"train/acc"``) stays one key.

    * ``config``: the final config (init, then ``config.update``), values as logged: the records
      hold no ``{"value": ...}`` wrapping (that is the API's format); ``_wandb`` is dropped.
    * ``history``: one dict per ``log`` row, with ``_step``, ``_runtime``, ``_timestamp``.
    * ``summary``: the final summary (last logged values plus ``run.summary`` writes).
    * ``exit_code``: ``None`` when the run never finished (killed, ``os._exit``, cut file).
    * ``truncated``: the file stops inside a chunk or a record (a cut, not damage).
    * ``errors``: damage found (CRC mismatch, lost fragments, undecodable records).
    * ``record_counts``: how many records of each type (``history``, ``files``...).
    * ``start_time``: when ``wandb.init`` ran (epoch seconds), to order runs finer than their
      folder names (which have one-second resolution).
    """

    path: Path
    run_id: str
    project: str
    entity: str
    job_type: str
    name: str
    group: str
    tags: tuple[str, ...]
    sweep_id: str
    config: dict[str, Any]
    history: list[dict[str, Any]]
    summary: dict[str, Any]
    artifacts: list[ArtifactRecord]
    exit_code: int | None
    truncated: bool
    errors: list[str]
    record_counts: dict[str, int]
    start_time: float | None = None
    writer_version: str = ""

    @property
    def files_dir(self) -> Path:
        """The run's ``files/`` folder, where media files live."""
        return run_files_dir(self.path)

    def series(self, key: str) -> list[tuple[Any, Any]]:
        """``(_step, value)`` for every history row that has ``key`` (a top-level key)."""
        return [(row.get("_step"), row[key]) for row in self.history if key in row]

    def media_files(self, value: Any) -> list[Path]:
        """Files on disk of a media history value (one image or a list of images)."""
        return media_files(value, self.files_dir)


# --- chunk stream ---------------------------------------------------------------------------


def chunk_crc(chunk_type: int, payload: bytes) -> int:
    """CRC of a chunk as wandb writes it: crc32 of the type byte, continued over the payload."""
    return zlib.crc32(payload, zlib.crc32(bytes([chunk_type])))


def check_header(data: bytes) -> None:
    """Raise WandbLogError unless ``data`` starts with a W&B log header this reader knows."""
    if len(data) < HEADER.size:
        raise WandbLogError(f"not a W&B run log: {len(data)} bytes, shorter than the header")
    magic, magic_number, version = HEADER.unpack_from(data)
    if magic != MAGIC or magic_number != MAGIC_NUMBER:
        raise WandbLogError(f"not a W&B run log: header starts {data[: HEADER.size]!r}")
    if version != FORMAT_VERSION:
        raise WandbLogError(f"W&B run log format version {version} is not supported (only 0)")


class _Assembler:
    """Joins chunk payloads into whole records; reports fragments that arrive out of order."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        self.records: list[tuple[int, bytes]] = []
        self.parts: list[bytes] | None = None
        self.start = 0

    def add(self, kind: int, payload: bytes, offset: int) -> None:
        if kind in (FULL, FIRST):
            self.abandon(offset)
            if kind == FULL:
                self.records.append((offset, payload))
            else:
                self.parts, self.start = [payload], offset
        elif kind in (MIDDLE, LAST):
            if self.parts is None:
                self.errors.append(
                    f"offset {offset}: {CHUNK_NAMES[kind]} chunk whose record start was lost;"
                    " skipped"
                )
                return
            self.parts.append(payload)
            if kind == LAST:
                self.records.append((self.start, b"".join(self.parts)))
                self.parts = None
        else:
            # The CRC matched, so the type is what was written: a newer writer's chunk type.
            self.abandon(offset)
            self.errors.append(f"offset {offset}: unknown chunk type {kind}; skipped")

    def abandon(self, offset: int) -> None:
        """Drop a record still being assembled: one of its pieces is missing."""
        if self.parts is not None:
            self.errors.append(
                f"offset {self.start}: record never completed (interrupted at offset {offset});"
                " dropped"
            )
            self.parts = None


def _next_block(pos: int) -> int:
    return (pos // BLOCK_SIZE + 1) * BLOCK_SIZE


def _valid_chunk_at(data: bytes, pos: int) -> bool:
    """True when a whole chunk with a matching CRC starts at ``pos`` (used to resynchronise)."""
    block_left = BLOCK_SIZE - pos % BLOCK_SIZE
    if block_left < CHUNK_HEADER.size or pos + CHUNK_HEADER.size > len(data):
        return False
    crc, length, kind = CHUNK_HEADER.unpack_from(data, pos)
    end = pos + CHUNK_HEADER.size + length
    if length > block_left - CHUNK_HEADER.size or end > len(data):
        return False
    return chunk_crc(kind, data[pos + CHUNK_HEADER.size : end]) == crc


def _resume_after_bad_chunk(data: bytes, pos: int, candidate: int, errors: list[str]) -> int:
    """Where to go on after a bad chunk at ``pos``.

    The CRC does not cover the length field, so trust the length only when a good chunk (or the
    block's padding, or the end of the file) follows; otherwise skip to the next block.
    """
    if candidate <= _next_block(pos) and (
        candidate >= len(data)
        or BLOCK_SIZE - candidate % BLOCK_SIZE < CHUNK_HEADER.size
        or _valid_chunk_at(data, candidate)
    ):
        return candidate
    return _skip_block(pos, errors)


def _skip_block(pos: int, errors: list[str]) -> int:
    """Give up on the rest of this block: chunks never cross blocks, so the next one is clean."""
    block_end = _next_block(pos)
    errors.append(f"offset {pos}: lost sync; skipped {block_end - pos} bytes to the next block")
    return block_end


def scan_log(data: bytes) -> LogScan:
    """Split a whole ``.wandb`` file into record payloads. Raises only for a bad header."""
    check_header(data)
    errors: list[str] = []
    assembler = _Assembler(errors)
    truncated = False
    pos, end = HEADER.size, len(data)
    while pos < end:
        block_left = BLOCK_SIZE - pos % BLOCK_SIZE
        if block_left < CHUNK_HEADER.size:
            if data[pos : pos + block_left].strip(b"\0"):
                errors.append(f"offset {pos}: block trailer is not zero padding")
            pos += block_left
            continue
        if end - pos < CHUNK_HEADER.size:
            truncated = True  # the file stops inside a chunk header
            break
        crc, length, kind = CHUNK_HEADER.unpack_from(data, pos)
        body = pos + CHUNK_HEADER.size
        if crc == 0 and length == 0 and kind == 0:
            if not data[pos:].strip(b"\0"):
                break  # zero-filled tail: type 0 ends the data
            errors.append(f"offset {pos}: zeroed bytes inside the log")
            assembler.abandon(pos)
            pos = _skip_block(pos, errors)
            continue
        if length > block_left - CHUNK_HEADER.size:
            errors.append(f"offset {pos}: chunk length {length} runs past the end of its block")
            assembler.abandon(pos)
            pos = _skip_block(pos, errors)
            continue
        if body + length > end:
            truncated = True  # the file stops inside a chunk's payload
            break
        payload = data[body : body + length]
        if chunk_crc(kind, payload) != crc:
            name = CHUNK_NAMES.get(kind, f"type-{kind}")
            errors.append(f"offset {pos}: CRC mismatch in a {name} chunk of {length} bytes")
            assembler.abandon(pos)
            pos = _resume_after_bad_chunk(data, pos, body + length, errors)
            continue
        assembler.add(kind, payload, pos)
        pos = body + length
    if assembler.parts is not None:
        truncated = True  # the file stops between the FIRST and the LAST chunk of a record
    return LogScan(assembler.records, errors, truncated)


# --- records --------------------------------------------------------------------------------


def _item_path(item: Any) -> list[str]:
    return list(item.nested_key) or ([item.key] if item.key else [])


def _item_value(item: Any) -> Any:
    """The JSON-decoded value; 0.31 history items may also carry a typed ``value`` oneof."""
    if item.value_json:
        return json.loads(item.value_json)
    oneofs = item.DESCRIPTOR.oneofs_by_name
    kind = item.WhichOneof("value") if "value" in oneofs else None
    if kind is None or kind == "none":
        return None
    value = getattr(item, kind)
    return json.loads(value) if kind == "json" else value


def _set_path(target: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        child = target.get(part)
        if not isinstance(child, dict):
            child = target[part] = {}
        target = child
    target[path[-1]] = value


def _remove_path(target: dict[str, Any], path: list[str]) -> None:
    for part in path[:-1]:
        target = target.get(part)
        if not isinstance(target, dict):
            return
    target.pop(path[-1], None)


class _RunBuilder:
    """Folds the records, in file order, into the state of the run."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        self.meta: dict[str, Any] = {
            "run_id": "",
            "project": "",
            "entity": "",
            "job_type": "",
            "name": "",
            "group": "",
            "tags": (),
            "sweep_id": "",
        }
        self.config: dict[str, Any] = {}
        self.summary: dict[str, Any] = {}
        self.history: list[dict[str, Any]] = []
        self.artifacts: list[ArtifactRecord] = []
        self.exit_code: int | None = None
        self.start_time: float | None = None
        self.counts: dict[str, int] = {}
        self.writer_version = ""

    def apply(self, offset: int, record: Any) -> None:
        kind = record.WhichOneof("record_type")
        if kind is None:
            return
        self.counts[kind] = self.counts.get(kind, 0) + 1
        handler = getattr(self, f"_on_{kind}", None)
        if handler is not None:
            handler(offset, getattr(record, kind))

    def _apply_items(
        self, offset: int, target: dict[str, Any], updates: Any, removes: Any = ()
    ) -> None:
        for item in updates:
            path = _item_path(item)
            if not path:
                continue
            try:
                _set_path(target, path, _item_value(item))
            except ValueError as err:
                self.errors.append(f"offset {offset}: bad JSON for {'/'.join(path)}: {err}")
        for item in removes:
            if path := _item_path(item):
                _remove_path(target, path)

    def _on_header(self, offset: int, header: Any) -> None:
        self.writer_version = header.version_info.producer.split("+")[0]

    def _on_run(self, offset: int, run: Any) -> None:
        values = {
            "run_id": run.run_id,
            "project": run.project,
            "entity": run.entity,
            "job_type": run.job_type,
            "name": run.display_name,
            "group": run.run_group,
            "tags": tuple(run.tags),
            "sweep_id": run.sweep_id,
        }
        # A later run record (resume, update) only fills in what it carries.
        self.meta.update({key: value for key, value in values.items() if value})
        if run.HasField("start_time") and self.start_time is None:
            self.start_time = run.start_time.seconds + run.start_time.nanos / 1e9
        self._apply_items(offset, self.config, run.config.update, run.config.remove)
        self._apply_items(offset, self.summary, run.summary.update, run.summary.remove)

    def _on_config(self, offset: int, config: Any) -> None:
        self._apply_items(offset, self.config, config.update, config.remove)

    def _on_summary(self, offset: int, summary: Any) -> None:
        self._apply_items(offset, self.summary, summary.update, summary.remove)

    def _on_history(self, offset: int, history: Any) -> None:
        row: dict[str, Any] = {}
        self._apply_items(offset, row, history.item)
        self.history.append(row)

    def _on_artifact(self, offset: int, artifact: Any) -> None:
        try:
            metadata = json.loads(artifact.metadata) if artifact.metadata else {}
        except ValueError as err:
            self.errors.append(f"offset {offset}: bad metadata JSON in artifact: {err}")
            metadata = {}
        files = tuple(
            ArtifactFile(entry.path, entry.size, entry.digest, entry.local_path)
            for entry in artifact.manifest.contents
        )
        self.artifacts.append(
            ArtifactRecord(
                name=artifact.name,
                type=artifact.type,
                metadata=metadata if isinstance(metadata, dict) else {"value": metadata},
                aliases=tuple(artifact.aliases),
                files=files,
                digest=artifact.digest,
                description=artifact.description,
            )
        )

    def _on_exit(self, offset: int, exit_record: Any) -> None:
        self.exit_code = exit_record.exit_code

    def build(self, path: Path, truncated: bool) -> WandbRun:
        return WandbRun(
            path=path,
            config={k: v for k, v in self.config.items() if k not in INTERNAL_KEYS},
            history=self.history,
            summary={k: v for k, v in self.summary.items() if k not in INTERNAL_KEYS},
            artifacts=self.artifacts,
            exit_code=self.exit_code,
            truncated=truncated,
            errors=self.errors,
            record_counts=self.counts,
            start_time=self.start_time,
            writer_version=self.writer_version,
            **self.meta,
        )


# One thread at a time imports wandb's protobuf classes (the first to ask; the others wait):
# two threads importing a package as large as wandb side by side can each meet the other's
# module locks, and Python then hands one of them a half-imported module (a flaky
# "partially initialized module 'wandb'" in a grading).
_IMPORT = threading.Lock()


def _record_class() -> Any:
    with _IMPORT:
        try:
            from wandb.proto import wandb_internal_pb2
        except ImportError as err:  # pragma: no cover - wandb is a dependency of the grader
            raise ImportError("reading W&B run logs needs the wandb package installed") from err
    return wandb_internal_pb2.Record


def import_reader() -> None:
    """Import wandb's protobuf classes now (about 0.6-2.7 s), so that reading a run's log
    later costs milliseconds. Call it from the thread that does the process's other imports
    (e.g. while a student's run goes on in the sandbox, or before forking workers): never
    from a thread of its own beside imports elsewhere."""
    _record_class()


def read_run(path: Path) -> WandbRun:
    """Read one ``run-<id>.wandb`` file. Raises WandbLogError only if it is not a W&B log."""
    path = Path(path)
    scan = scan_log(path.read_bytes())
    record_class = _record_class()  # imported here: importing this module stays cheap
    builder = _RunBuilder(list(scan.errors))
    for offset, payload in scan.records:
        record = record_class()
        try:
            record.ParseFromString(payload)
        except Exception as err:  # protobuf's DecodeError; its class differs between backends
            builder.errors.append(f"offset {offset}: record does not decode: {err}")
            continue
        builder.apply(offset, record)
    return builder.build(path, scan.truncated)


# --- locating runs and media ----------------------------------------------------------------


def find_run_logs(wandb_dir: Path) -> list[Path]:
    """All ``run-*.wandb`` files under a WANDB_DIR (in ``wandb/*run-*/``), sorted.

    Sorted by folder name, i.e. by start time to the second, then by run id: runs started in the
    same second (several ``init`` in one script) need ``WandbRun.start_time`` to be ordered.
    Also accepts the ``wandb/`` folder itself. ``latest-run`` (a symlink) is not listed twice.
    """
    wandb_dir = Path(wandb_dir)
    found = set(wandb_dir.glob("wandb/*run-*/run-*.wandb"))
    found.update(wandb_dir.glob("*run-*/run-*.wandb"))
    # Folder names start with the date and time, so sorting by folder name is by start time.
    return sorted(found, key=lambda p: (p.parent.name.split("run-", 1)[-1], str(p)))


def run_files_dir(path: Path) -> Path:
    """The ``files/`` folder of the run whose ``.wandb`` file (or run folder) is ``path``."""
    path = Path(path)
    run_dir = path.parent if path.suffix == ".wandb" or path.is_file() else path
    return run_dir / "files"


def media_type(value: Any) -> str | None:
    """The ``_type`` of a history value ("image-file", "images/separated", "histogram", ...)."""
    if isinstance(value, dict) and isinstance(value.get("_type"), str):
        return value["_type"]
    return None


def media_files(value: Any, files_dir: Path) -> list[Path]:
    """Files on disk of a media value: ``path`` of one image, ``filenames`` of a list of them.

    Values with no file (histogram, scalars) give ``[]``. The paths come from the log, which a
    student's program wrote, so a path leaving ``files_dir`` raises WandbLogError.
    """
    if media_type(value) is None:
        return []
    names = value.get("filenames") if "filenames" in value else [value.get("path")]
    files_dir = Path(files_dir)
    root = files_dir.resolve()
    paths = []
    for name in names or []:
        if not isinstance(name, str) or not name:
            continue
        full = files_dir / name
        if not full.resolve().is_relative_to(root):
            raise WandbLogError(f"media path {name!r} points outside {files_dir}")
        paths.append(full)
    return paths
