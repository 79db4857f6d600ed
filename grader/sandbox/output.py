"""Bounded capture of a child's stdout/stderr: head and tail are kept, the middle counted."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path
from typing import BinaryIO

_CHUNK = 65536


class CappedStream:
    """Reads a pipe to its end in a thread, keeping at most ``head + tail`` bytes."""

    def __init__(self, pipe: BinaryIO, head: int, tail: int) -> None:
        self._pipe = pipe
        self._head_limit = head
        self._tail_limit = tail
        self._head = bytearray()
        self._tail = bytearray()
        self.total = 0
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while chunk := self._pipe.read1(_CHUNK):
            self.total += len(chunk)
            room = self._head_limit - len(self._head)
            if room > 0:
                self._head += chunk[:room]
                chunk = chunk[room:]
            if chunk:
                self._tail += chunk
                if len(self._tail) > 2 * self._tail_limit:
                    del self._tail[: len(self._tail) - self._tail_limit]
        self._pipe.close()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def truncated(self) -> bool:
        return self.total > len(self._head) + min(len(self._tail), self._tail_limit)

    def text(self) -> str:
        """Decoded text (invalid UTF-8 replaced), with the cut said in words."""
        tail = bytes(self._tail[-self._tail_limit :]) if self._tail_limit else b""
        head = bytes(self._head)
        if not self.truncated:
            return (head + tail).decode("utf-8", "replace")
        cut = self.total - len(head) - len(tail)
        return (
            head.decode("utf-8", "replace")
            + f"\n[... {cut:,} bytes of output cut; first {len(head):,} and last "
            f"{len(tail):,} bytes kept ...]\n" + tail.decode("utf-8", "replace")
        )


class EventPipe:
    """The probe's channel: a pipe whose write end the run inherits and whose read end a
    thread copies into ``path`` (a file outside the run's view), keeping at most ``limit``
    bytes; a flood beyond that is counted and said, never kept."""

    def __init__(self, path: Path, limit: int) -> None:
        self._read, self.write_fd = os.pipe()
        self._path = path
        self._limit = limit
        self.dropped = 0
        self._thread = threading.Thread(target=self._drain, daemon=True, name="probe-events")
        self._thread.start()

    def _drain(self) -> None:
        kept = 0
        with open(self._read, "rb", buffering=0) as source, self._path.open("wb") as target:
            while chunk := source.read(_CHUNK):
                room = max(self._limit - kept, 0)
                target.write(chunk[:room])
                kept += min(room, len(chunk))
                self.dropped += len(chunk) - min(room, len(chunk))
            if self.dropped:
                target.write(b'\n{"kind": "probe_truncated"}\n')

    def close_write_end(self) -> None:
        """Called once the run has inherited it: EOF then comes when the run's processes end."""
        os.close(self.write_fd)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)


class ChildStreams:
    """A run's stdin, stdout and stderr: pipes made here, read back with ``CappedStream``.

    ``user`` (uid, gid) owns the run's ends: a run that reopens ``/dev/stderr`` (which is
    ``/proc/self/fd/2``) needs to own the pipe when bwrap runs as another user than the grader.
    """

    def __init__(self, stdin: bytes | None, keep: int, user: tuple[int, int] | None) -> None:
        self._keep = keep
        self._input = stdin
        self._out, self.stdout = os.pipe()
        self._err, self.stderr = os.pipe()
        self.stdin, self._in = os.pipe() if stdin is not None else (subprocess.DEVNULL, -1)
        for fd in (self.stdout, self.stderr, self.stdin):
            if user is not None and fd >= 0:
                os.fchown(fd, *user)

    def started(self) -> None:
        """Call once the child has its ends: start reading and feed stdin."""
        for fd in (self.stdout, self.stderr, self.stdin):
            if fd >= 0:
                os.close(fd)
        # Each reader thread closes its pipe when the run's end of it is gone.
        pipes = [open(fd, "rb") for fd in (self._out, self._err)]  # noqa: SIM115
        self._readers = [CappedStream(pipe, self._keep, self._keep) for pipe in pipes]
        if self._in >= 0:
            with open(self._in, "wb") as pipe:
                try:
                    pipe.write(self._input or b"")
                except OSError:
                    pass  # the run closed its stdin early

    def texts(self) -> tuple[str, str]:
        """stdout and stderr once the run is over (readers get a few seconds to drain)."""
        for reader in self._readers:
            reader.join(5)
        return self._readers[0].text(), self._readers[1].text()
