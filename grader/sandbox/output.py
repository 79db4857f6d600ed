"""Bounded capture of a child's stdout/stderr: head and tail are kept, the middle counted."""

from __future__ import annotations

import threading
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
