#!/run/grader/python -IS
"""The interpreter's file, as a warm run sees it (``nested.py``): ``python ARGS`` from a run.

A plain ``python SCRIPT.py ARGS`` is asked of the run's warm server, which forks it with the
template's imports done; this process then stands in for it: it relays the signals it gets
and leaves with its exit status. Anything else (an option, ``-c``, ``-m``, descriptors beyond
0-2, no server) executes the real interpreter with the same arguments, as a cold run would.

Runs as ``/run/grader/python -IS`` (no site, no environment read), so it imports only the
standard library's own modules, and only when it has a plain run to ask for.
"""

import os
import sys

REAL = "/run/grader/python"  # the interpreter itself, bound there in the template's view
ADDRESS = "\0grader-python"  # abstract: the run's own network namespace holds it
_PYTHONS_OWN = ("SIGPIPE", "SIGXFSZ")  # every Python ignores them itself at start-up
_RELAYED = ("SIGHUP", "SIGINT", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGTERM", "SIGWINCH")


def _cold() -> None:
    os.execv(REAL, sys.argv)  # sys.argv[0]: the path this was started by, as Python's own


def _plain() -> bool:
    """``python SCRIPT.py ARGS`` with descriptors 0, 1 and 2 only (listing them takes one)."""
    arguments = sys.argv[1:]
    if not arguments or arguments[0].startswith("-") or not arguments[0].endswith(".py"):
        return False
    fds = set(os.listdir("/proc/self/fd"))
    return os.path.isfile(arguments[0]) and {"0", "1", "2"} <= fds and len(fds) <= 4


def _request() -> dict:
    import resource
    import signal

    own = {getattr(signal, name) for name in (*_PYTHONS_OWN, "SIGKILL", "SIGSTOP")}
    ignored = [
        int(number)
        for number in signal.valid_signals()
        if number not in own and signal.getsignal(number) == signal.SIG_IGN
    ]
    limits = {
        name: resource.getrlimit(getattr(resource, name))
        for name in dir(resource)
        if name.startswith("RLIMIT_")
    }
    umask = os.umask(0)
    os.umask(umask)
    return {
        "argv": sys.argv,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "umask": umask,
        "limits": limits,
        "ignored": ignored,
        "blocked": [int(number) for number in signal.pthread_sigmask(signal.SIG_BLOCK, [])],
    }


def main() -> None:
    if not _plain():
        _cold()
    import marshal
    import signal
    import socket

    try:
        request = marshal.dumps(_request())
        server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        server.connect(ADDRESS)
        socket.send_fds(server, [request], [0, 1, 2])
        reply = server.recv(4096)
    except Exception:  # whatever it is, nothing has run yet: the interpreter runs it
        reply = b""
    if not reply:
        _cold()  # nothing of the script ran: the server is gone, or would not take it
    worker = marshal.loads(reply)["pid"]

    def relay(number: int, _frame: object) -> None:
        try:
            os.kill(worker, number)
        except OSError:
            pass

    for name in _RELAYED:
        number = getattr(signal, name)
        if signal.getsignal(number) != signal.SIG_IGN:
            signal.signal(number, relay)
    try:
        reply = server.recv(4096)
    except OSError:
        reply = b""
    status = marshal.loads(reply)["status"] if reply else 1 << 8  # the server died: 1
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        signal.signal(number, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [number])
        os.kill(os.getpid(), number)
        os._exit(128 + number)  # a signal that does not end a process by default
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


if __name__ == "__main__":  # also what the preforked grader imports: it must not run then
    main()
