"""Warm ``python SCRIPT.py`` started from a warm run (exercise 12 re-runs ``train.py`` so).

Inside the template's sandbox only (``template.py``). In a warm run's mount namespace the
interpreter's file shows ``launcher.py`` and the interpreter itself is at ``/run/grader/python``.
Just before the student's script starts, S (the student's process, see ``template.py``) forks
Z, which ``serve``s on an abstract socket of the run's own network namespace:

    S ─ the script ─ ... ─ launcher (``python train.py``): asks Z, relays signals, exits as W
    └ Z: forks one W per request; reports each W's status to its launcher
         └ W: becomes ``python train.py`` as S became the script (``Template._nested``)

Z is forked before any of the student's code runs, so every W starts from the template's
imports and nothing the script did. Z holds none of the run's descriptors; the run's end
kills it with everything else, and the supervisor does not count it among the leftovers.
"""

from __future__ import annotations

import _signal
import marshal
import os
import select
import socket

ADDRESS = "\0grader-python"  # the launcher's ADDRESS
LAUNCHER = "/run/grader/launcher.py"  # bound, as a copy marked executable, over the interpreter
REAL = "/run/grader/python"  # the launcher's REAL


def listen() -> socket.socket:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(ADDRESS)
    listener.listen(16)
    return listener


def serve(listener: socket.socket) -> tuple[dict, list[int]]:
    """Z's loop: never returns in Z; returns in each W, with its request and descriptors."""
    os.setpgid(0, 0)  # the script's signals to its own group do not reach Z
    null = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(null, target)
    os.close(null)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    _signal.set_wakeup_fd(wake_write)
    _signal.signal(_signal.SIGCHLD, lambda *_: None)
    for number in (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP):
        _signal.signal(number, _signal.SIG_IGN)
    idle: list[socket.socket] = []  # connected, no request yet
    running: dict[int, socket.socket | None] = {}  # W's pid: its launcher (None: it left)
    while True:
        watched = [listener, wake_read, *idle, *(c for c in running.values() if c)]
        try:
            readable, _, _ = select.select(watched, [], [])
        except InterruptedError:
            continue
        for ready in readable:
            if ready is listener:
                idle.append(listener.accept()[0])
            elif ready is wake_read:
                os.read(wake_read, 512)
                _report(running)
            elif ready in idle:
                idle.remove(ready)
                request = _receive(ready)
                if request is None:
                    ready.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    for sock in (listener, *idle, *(c for c in running.values() if c)):
                        sock.close()
                    ready.close()
                    os.close(wake_read)
                    os.close(wake_write)
                    _signal.set_wakeup_fd(-1)
                    for number in (_signal.SIGCHLD, _signal.SIGTERM, _signal.SIGHUP):
                        _signal.signal(number, _signal.SIG_DFL)
                    _signal.signal(_signal.SIGINT, _signal.default_int_handler)
                    return request
                for fd in request[1]:
                    os.close(fd)
                running[pid] = ready
                _send(ready, {"pid": pid})
            else:  # a launcher left before its W ended (killed): W and its group go too
                pid = next(p for p, c in running.items() if c is ready)
                running[pid] = None
                ready.close()
                try:
                    os.killpg(pid, _signal.SIGKILL)
                except OSError:
                    pass


def _receive(connection: socket.socket) -> tuple[dict, list[int]] | None:
    try:
        data, fds, _, _ = socket.recv_fds(connection, 1 << 20, 3)
    except OSError:
        return None
    try:
        request = marshal.loads(data) if data and len(fds) == 3 else None
    except (EOFError, ValueError, TypeError):
        request = None
    if not isinstance(request, dict):
        for fd in fds:
            os.close(fd)
        return None
    return request, fds


def _report(running: dict[int, socket.socket | None]) -> None:
    """Each W that ended: its wait status, to its launcher."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = running.pop(pid, None)
        if connection is not None:
            _send(connection, {"status": status})
            connection.close()


def _send(connection: socket.socket, message: dict) -> None:
    try:
        connection.send(marshal.dumps(message))
    except OSError:
        pass


def apply_process_state(request: dict) -> None:
    """W: the launcher's umask, limits and signal state, which an exec would have kept."""
    import resource

    os.umask(request["umask"])
    for name, value in request["limits"].items():
        try:
            resource.setrlimit(getattr(resource, name), tuple(value))
        except (AttributeError, ValueError, OSError):
            pass  # a limit W cannot take (raised beyond its own): it keeps the lower one
    for number in request["ignored"]:
        _signal.signal(number, _signal.SIG_IGN)
    _signal.pthread_sigmask(_signal.SIG_SETMASK, request["blocked"])
