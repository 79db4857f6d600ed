"""A grader imported once that forks one grading per request: a batch's students, the suite's cases.

Every ``python -m grader`` pays its own imports before it grades: pytest, the checks and, for
the MLflow exercises, MLflow's client with its database layer (about 3.5 s of an 8.5 s
grading of exercise 15). The server, ``python -m grader.preforked``, imports them once and
then forks one child per grading. The child is what ``python -m grader ARGS`` would be: a
session and process group of its own, the request's environment, working directory, argv,
stdout and stderr, and the command's exit status (a signal that ends it is reported as the
negative signal number, as ``subprocess`` does). Nothing in the grader reads the environment
when it is imported, so a child sees its request's environment wherever it reads one.

Only the grader's own code runs in the server and its children; student code still runs in
the sandboxes each grading starts. The server forks from a single thread, and it kills every
grading it started when the process that started it goes away (its socket closes).

Protocol: one SOCK_SEQPACKET socket pair. A request is one JSON message (argv, env, cwd) with
three descriptors: the reply socket, stdout and stderr. On the reply socket the server sends
``{"pid": N}`` once the grading has started, then ``{"status": S}`` when it has ended.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import importlib.util
import json
import os
import pkgutil
import random
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from .readers.mlflow_store import QUIET
from .sandbox import import_state
from .sandbox.environment import THREADS
from .sandbox.reaper import kill_group

# What the server imports besides the grader and pytest, where installed: what the checks read
# W&B runs and MLflow stores with, and the torch the registry checks build models with. Under
# a tool's name, what only its exercises need (a course without them saves 2.7 CPU-s a batch).
OPTIONAL: dict[str, tuple[str, ...]] = {
    "": (
        "torch",
        "torch.utils.data",
        "my_project.data",
        "my_project.model",
        "wandb",
        "dockerfile_parse",
        "pdb",  # pytest's debugging plugin imports it when a session starts
    ),
    "mlflow": (
        "mlflow.tracking",
        "mlflow.store.tracking.sqlalchemy_store",
        "mlflow.store.model_registry.sqlalchemy_store",
        "sqlalchemy.dialects.sqlite",
        "alembic.command",
        "alembic.config",
    ),
}
# The command itself, this module, and the scripts the sandbox runs by path.
_NOT_PRELOADED = (
    "grader.__main__",
    "grader.preforked",
    "grader.sandbox.template",
    "grader.sandbox.launcher",
)
_IMPORT_FOLDERS: list[tempfile.TemporaryDirectory] = []  # found once the preload is done
_KEPT: list[tempfile.TemporaryDirectory] = []  # a grading's own copies of them
_MESSAGE = 1 << 20  # a request (its environment included) fits in one message
_READY_S = 300.0
_GRACE_S = 30.0  # after a kill, for the grading's status to come back


class ServerUnavailable(RuntimeError):
    """The preforked server could not start or has gone: grade with ``python -m grader``."""


# -- the server ----------------------------------------------------------------------------------


def optional(tools: Collection[str] | None = None) -> list[str]:
    """What OPTIONAL names for exercises of ``tools`` (None: every tool)."""
    return [
        name
        for tool, names in OPTIONAL.items()
        if not tool or tools is None or tool in tools
        for name in names
    ]


def preload(tools: Collection[str] | None = None) -> list[str]:
    """Import pytest and its own plugins, every module of the grader (its checks among them)
    and what OPTIONAL names for ``tools`` that is installed. Returns what failed to import: a
    grading that needs it imports it again, and reports it."""
    from _pytest.config import default_plugins

    os.environ.update(QUIET)  # no MLflow telemetry from the server, as from the grader's reads
    failed = []
    names = ["pytest", *(f"_pytest.{name}" for name in default_plugins)]
    names += [
        module.name
        for module in pkgutil.walk_packages([str(Path(__file__).parent)], "grader.")
        if module.name not in _NOT_PRELOADED
    ]
    names += [n for n in optional(tools) if importlib.util.find_spec(n.split(".")[0]) is not None]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # the grading that needs it reports it
            failed.append(name)
    return failed


def serve(control: socket.socket) -> None:
    """Answer requests on ``control`` until it closes; then kill what is still running."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    running: dict[int, socket.socket] = {}
    try:
        while True:
            readable, _, _ = select.select([control, wake_read], [], [])
            if wake_read in readable:
                os.read(wake_read, 4096)
                _reap(running)
            if control in readable and not _accept(control, running, (wake_read, wake_write)):
                break
    finally:
        for pid in running:
            kill_group(pid)
        for pid in list(running):
            os.waitpid(pid, 0)


def _accept(
    control: socket.socket, running: dict[int, socket.socket], keep_out: tuple[int, int]
) -> bool:
    try:
        message, fds, _, _ = socket.recv_fds(control, _MESSAGE, 3)
    except (InterruptedError, BlockingIOError):
        return True
    if not message:
        return False  # the client is gone
    reply, stdout, stderr = (socket.socket(fileno=fds[0]), fds[1], fds[2])
    request = json.loads(message)
    pid = os.fork()
    if pid == 0:
        for other in (control, reply, *running.values()):  # other gradings' replies among them
            other.close()
        for fd in keep_out:
            os.close(fd)
        _become_grading(request, stdout, stderr)
    os.close(stdout)
    os.close(stderr)
    running[pid] = reply
    _send(reply, {"pid": pid})
    return True


def _reap(running: dict[int, socket.socket]) -> None:
    while running:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        reply = running.pop(pid, None)
        if reply is not None:
            _send(reply, {"status": os.waitstatus_to_exitcode(status)})
            reply.close()


def _send(reply: socket.socket, message: dict) -> None:
    try:
        reply.send(json.dumps(message).encode())
    except OSError:
        pass  # the client stopped waiting


def _become_grading(request: dict, stdout: int, stderr: int) -> None:
    """In the forked child: become ``python -m grader ARGV`` and never return."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        for source, target in ((null, 0), (stdout, 1), (stderr, 2)):
            os.dup2(source, target)
            os.close(source)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        random.seed()  # a fresh interpreter's state, not the server's
        _own_temporary_state()
        cli = importlib.import_module("grader.cli")  # by name: the command sits above this room

        sys.argv = [str(Path(cli.__file__).with_name("__main__.py")), *request["argv"]]
        code = cli.main(request["argv"])
    except SystemExit as stop:
        code = _exit_status(stop.code)
    except KeyboardInterrupt:
        code = 128 + signal.SIGINT
    except BaseException:  # as the interpreter would report it
        traceback.print_exc()
        code = 1
    finally:
        _exit(code)


def _own_temporary_state() -> None:
    """What a fresh ``python -m grader`` would not share with the server: the temporary folder
    chosen from its own TMPDIR, its own copies of the folders the imports made (wandb removes
    its two with ``atexit``: a grading's exit removed the server's), and none of the imports'
    ``weakref.finalize`` callbacks at exit (torch.library undoing its registrations: 0.08
    CPU-s of each grading)."""
    tempfile.tempdir = None
    import_state.keep_finalizers()  # first: the new folders' own finalizers run at exit
    import_state.renew_folders(_IMPORT_FOLDERS, _KEPT)


def _exit_status(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    print(value, file=sys.stderr)
    return 1


def _exit(code: int) -> None:
    """What the interpreter's exit does for the grader: atexit, then flushed streams."""
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # a closed stream has nothing to flush
                pass
        os._exit(code)


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    tools = json.loads(sys.argv[2]) if len(sys.argv) > 2 else None
    failed = preload(tools)
    _IMPORT_FOLDERS[:] = import_state.temporary_folders()
    if threading.active_count() != 1:
        _send(control, {"error": "the preload started a thread: forking is not safe"})
        return
    gc.collect()
    gc.freeze()  # what the preload made is never collected: a grading's collections skip it
    imported = sorted(name for name in optional() if name in sys.modules)
    _send(control, {"ready": True, "failed": failed, "imported": imported})
    serve(control)


# -- the client ----------------------------------------------------------------------------------


class PreforkedGrader:
    """A running server; ``grade`` may be called from several threads at once."""

    def __init__(self, tools: Collection[str] | None = None) -> None:
        """A server for gradings of exercises of ``tools`` (None: any exercise); a grading of
        any other still works, importing what it needs itself."""
        self._control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._lock = threading.Lock()
        listed = [] if tools is None else [json.dumps(sorted(tools))]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader.preforked", str(theirs.fileno()), *listed],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            # One BLAS/OpenMP thread, as in student runs: a pool started by an import would be
            # a thread the fork leaves behind.
            env={**os.environ, **THREADS},
        )
        theirs.close()
        self._control.settimeout(_READY_S)
        try:
            answer = json.loads(self._control.recv(_MESSAGE) or b"{}")
        except (OSError, ValueError):
            answer = {}
        self._control.settimeout(None)
        if not answer.get("ready"):
            self.close()
            raise ServerUnavailable(answer.get("error", "the preforked grader did not start"))
        self.failed: list[str] = answer["failed"]
        self.imported: list[str] = answer["imported"]  # of what OPTIONAL names

    def grade(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        stdout: int,
        stderr: int,
        timeout: float | None = None,
    ) -> int | None:
        """Run one grading; its exit status, or None when it passed ``timeout``. Its process
        group is killed when it ends or times out."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with mine:
            request = {"argv": list(argv), "env": dict(env), "cwd": str(cwd)}
            try:
                with self._lock:
                    socket.send_fds(
                        self._control,
                        [json.dumps(request).encode()],
                        [theirs.fileno(), stdout, stderr],
                    )
            except OSError as error:
                raise ServerUnavailable(f"the preforked grader is gone: {error}") from None
            finally:
                theirs.close()
            pid = _receive(mine, _READY_S).get("pid")
            if pid is None:
                raise ServerUnavailable("the preforked grader did not start the grading")
            try:
                status: int | None = _receive(mine, timeout)["status"]
            except TimeoutError:
                status = None
            finally:  # also when the server is gone: its grading must not outlive it
                kill_group(pid)  # and what it left in its process group, as a batch always did
            if status is None:
                with contextlib.suppress(TimeoutError, ServerUnavailable):
                    _receive(mine, _GRACE_S)  # the killed grading's status, once reaped
            return status

    def close(self) -> None:
        self._control.close()
        try:
            self.process.wait(timeout=_GRACE_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> PreforkedGrader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _receive(reply: socket.socket, timeout: float | None) -> dict:
    reply.settimeout(timeout)
    message = reply.recv(_MESSAGE)
    if not message:
        raise ServerUnavailable("the preforked grader closed the grading's socket")
    return json.loads(message)


if __name__ == "__main__":
    main()
