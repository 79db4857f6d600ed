"""The sandbox's own first process, inside the namespaces (standard library only).

Usage (by ``namespaces.py`` only): python -I -S supervisor.py CONFIG

CONFIG is a ``marshal``-ed dict, hex-encoded; reports go back the same way. Its imports are
kept to what the interpreter has built in or loads fast (``marshal`` over ``json``, ``_signal``
over ``signal``, ``socket`` only when there are ports to open): this process starts for every
run, and its start is what namespaces cost.

bwrap starts this file in the run's fresh namespaces, as the process that the student's code
descends from. It is the only process there that holds the grader's side of things: the
control socket and the folders of the host that receive the run's files. It

1. makes itself non-dumpable, so that student code (same user, no capabilities) can neither
   ptrace it nor open its descriptors through ``/proc``;
2. copies the run's folders from the host into the size-capped tmpfs the student works in;
3. opens the loopback ports the grader serves (the fake W&B server) and hands their listening
   sockets to the grader, which accepts on them from outside;
4. starts the student's command with the run's limits and nothing but stdin/stdout/stderr and
   the probe's event pipe, waits for it (or for the time limit), then kills every other process
   of the PID namespace;
5. only then, with nothing of the student's left running, copies the run's folders back out
   (regular files and folders only: no link, FIFO or device reaches the grader) and reports.

A student who kills this process only ends their own run early: bwrap then tears the namespace
down, and the grader reports the run as stopped.
"""

from __future__ import annotations

import _signal
import ctypes
import marshal
import os
import select
import stat
import sys
import time
from collections.abc import Callable

_PR_SET_DUMPABLE = 4
_CHUNK = 1 << 20


def _non_dumpable() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")


# -- copying ------------------------------------------------------------------------------------


class Budget:
    """Entries a copy may still create; a tree of a million empty files stops here."""

    def __init__(self, entries: int) -> None:
        self.left = entries
        self.skipped: list[str] = []  # what was not copied, in words

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


def _copy_data(source: int, target: int) -> None:
    """Copy a file's data extents only, so sparse files stay sparse (exercise 3's 100 MB)."""
    size = os.fstat(source).st_size
    position = 0
    while position < size:
        try:
            start = os.lseek(source, position, os.SEEK_DATA)
        except OSError:  # ENXIO: only a hole is left
            break
        end = os.lseek(source, start, os.SEEK_HOLE)
        while start < end:
            data = os.pread(source, min(_CHUNK, end - start), start)
            if not data:
                break
            os.pwrite(target, data, start)
            start += len(data)
        position = end
    os.ftruncate(target, size)


def _open_dir(name: str | bytes, parent: int) -> int:
    return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent)


def copy_tree(source_dir: int, target_dir: int, budget: Budget, where: str = "") -> None:
    """Copy the folder open as ``source_dir`` into the (empty) one open as ``target_dir``.

    Everything goes through descriptors opened without following links, so neither side's
    links can lead the copy anywhere else; only regular files and folders are copied.
    """
    pending = [(source_dir, target_dir, where, False)]
    while pending:
        src, dst, path, owned = pending.pop()
        try:
            with os.scandir(src) as entries:
                listing = [(entry.name, entry.stat(follow_symlinks=False)) for entry in entries]
            for name, info in sorted(listing):
                shown = f"{path}/{name}" if path else name
                if not budget.take():
                    budget.skipped.append(f"{shown} and what follows (too many files)")
                    return
                if stat.S_ISDIR(info.st_mode):
                    os.mkdir(name, stat.S_IMODE(info.st_mode) | 0o700, dir_fd=dst)
                    pending.append((_open_dir(name, src), _open_dir(name, dst), shown, True))
                elif stat.S_ISREG(info.st_mode):
                    _copy_file(name, src, dst, info)
                else:
                    budget.skipped.append(f"{shown} (not a regular file or folder)")
        finally:
            if owned:
                os.close(src)
                os.close(dst)


def _copy_file(name: str, src: int, dst: int, info: os.stat_result) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    reader = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=src)
    try:
        writer = os.open(name, flags, stat.S_IMODE(info.st_mode) | 0o600, dir_fd=dst)
        try:
            _copy_data(reader, writer)
            os.utime(writer, ns=(info.st_atime_ns, info.st_mtime_ns))
        finally:
            os.close(writer)
    finally:
        os.close(reader)


def clear_tree(folder: int) -> None:
    """Empty the folder open as ``folder``, through descriptors: no link is followed."""
    with os.scandir(folder) as entries:
        names = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
    for name, is_dir in names:
        if is_dir:
            inner = _open_dir(name, folder)
            try:
                clear_tree(inner)
            finally:
                os.close(inner)
            os.rmdir(name, dir_fd=folder)
        else:
            os.unlink(name, dir_fd=folder)


# -- the run ------------------------------------------------------------------------------------


def _listen(ports: list[int], control_fd: int) -> None:
    """Open the run's own 127.0.0.1:PORT for each port and hand the sockets to the grader."""
    if not ports:
        return
    import socket

    listeners = []
    for port in ports:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        listeners.append(listener)
    control = socket.socket(fileno=os.dup(control_fd))
    message = _encode({"kind": "listening", "ports": ports})
    socket.send_fds(control, [message], [listener.fileno() for listener in listeners])
    control.close()
    for listener in listeners:
        listener.close()


def _encode(message: dict) -> bytes:
    return marshal.dumps(message)


def _start(config: dict, keep: int) -> int:
    pid = os.fork()
    if pid:
        return pid
    try:
        import resource

        for name, value in config["limits"].items():
            resource.setrlimit(getattr(resource, name), (value, value))
        os.closerange(3, keep)
        os.closerange(keep + 1, 65536)
        os.chdir(config["cwd"])
        _signal.signal(_signal.SIGPIPE, _signal.SIG_DFL)
        os.execve(config["command"][0], config["command"], os.environ)
    except BaseException as error:
        os.write(2, f"grader sandbox: could not start the run: {error}\n".encode())
    os._exit(127)


def _wait(pid: int, time_s: float) -> tuple[int, bool]:
    """The main process's wait status, and whether the time limit ran out first."""
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], time_s)
    finally:
        os.close(pidfd)
    timed_out = not ready
    if timed_out:
        os.kill(pid, _signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return status, timed_out


HELPERS: set[int] = set()  # the grader's own processes in a warm run (``nested.py``)


def _others() -> list[int]:
    """Processes of this PID namespace other than bwrap's init and this one, zombies left out."""
    me, found = os.getpid(), []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (1, me):
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in (b"Z", b"X"):
            found.append(int(name))
    return found


def kill_everything() -> int:
    """SIGKILL every other process in the namespace until none is left; how many there were."""
    seen: set[int] = set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        alive = _others()
        if not alive:
            break
        seen.update(alive)
        try:
            os.kill(-1, _signal.SIGKILL)
        except ProcessLookupError:
            pass
        time.sleep(0.002)
    return len(seen - HELPERS)  # the helpers go too, uncounted: they are not the run's


def _copy_in(mounts: list[tuple[int, str]], budget: Budget) -> None:
    for fd, path in mounts:
        os.makedirs(path, exist_ok=True)
        inside = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            copy_tree(fd, inside, budget)
        finally:
            os.close(inside)


def _copy_out(mounts: list[tuple[int, str]], budget: Budget) -> None:
    for fd, path in mounts:
        clear_tree(fd)
        try:
            inside = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            budget.skipped.append(f"{path} (the run removed or replaced this folder)")
            continue
        try:
            copy_tree(inside, fd, budget)
        finally:
            os.close(inside)


def _run(config: dict, start: Callable[[dict], int] | None) -> dict:
    mounts = [(fd, path) for fd, path in config["mounts"]]
    budget = Budget(config["max_entries"])
    _copy_in(mounts, budget)
    _listen(config["ports"], config["control_fd"])
    # From here on the run is the student's: a status missing after this is their doing.
    os.write(config["control_fd"], _encode({"kind": "started"}))
    started = time.monotonic()
    pid = start(config) if start else _start(config, config["events_fd"])
    status, timed_out = _wait(pid, config["time_s"])
    duration = time.monotonic() - started
    leftovers = kill_everything()
    copied = Budget(config["max_entries"])
    _copy_out(mounts, copied)
    return {
        "exit_code": os.waitstatus_to_exitcode(status),
        "timed_out": timed_out,
        "duration": duration,
        "leftovers": leftovers,
        "not_copied": (budget.skipped + copied.skipped)[:20],
    }


def supervise(config: dict, start: Callable[[dict], int] | None = None) -> dict:
    """One run, from copying in to copying out; its status report for the grader.

    ``start`` starts the student's process and returns its pid; by default it executes
    ``config["command"]`` (a warm run forks it from the template instead, ``template.py``)."""
    try:
        return {"kind": "status", **_run(config, start)}
    except Exception as error:  # said to the grader, which reports it as its own failure
        kill_everything()
        return {"kind": "error", "text": f"{type(error).__name__}: {error}"}


def main() -> None:
    config = marshal.loads(bytes.fromhex(sys.argv[1]))
    _non_dumpable()
    os.write(config["control_fd"], _encode(supervise(config)))


if __name__ == "__main__":
    main()
