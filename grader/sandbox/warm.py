"""Warm runs: student code forked from a template that has already imported torch and wandb.

A cold run pays its imports every time (torch with its optimizer machinery, wandb, matplotlib:
about 6 s of a W&B run, whose training takes a fraction of a second). The template
(``template.py``) pays them once and forks each run, which then enters namespaces of its own,
like a cold run's (see there). Runs are warm only where they can be so exactly:

* only in namespaces, only for exercises whose entry says ``warm = true``, never with
  ``--cold`` (or ``GRADER_COLD=1``);
* only when the run's environment differs from the template's in variables nothing imported
  there reads at import (``_READ_LATER``): otherwise the run is cold;
* a run that the template could not start (it failed, was refused, or is gone) is run cold,
  and the grading goes on cold;
* a grading on its own that would make a single such run starts no template (``plan``): the
  template's imports cost what that run's would.

One template serves a whole grading process and the workers it forks; a batch or ``--watch``
starts one and hands it to each grading it starts (``GRADER_TEMPLATE``: the path of its
socket, in a folder only the grader's user may enter).
"""

from __future__ import annotations

import atexit
import importlib.util
import marshal
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import ClassVar

from . import namespaces
from .environment import fixed_environment, sandbox_environment
from .isolation import Isolation
from .output import CappedStream, ChildStreams

ADDRESS = "GRADER_TEMPLATE"  # a template's socket, for the gradings a batch or watch starts
COLD = "GRADER_COLD"  # "1": every run is cold (the CLI's --cold sets it for its children)
# What the template imports. Never loguru or Hydra: a script may set LOGURU_LEVEL first.
PRELOAD = (
    "numpy",
    "torch",
    "torch.nn",
    "torch.optim",
    "torch._dynamo",  # what a first optimizer step imports: 1.5-2.6 s of every W&B run
    "torch.utils.data",
    "matplotlib",
    "matplotlib.pyplot",
    "wandb",
    "wandb.sdk.launch",  # what wandb.init imports (about 2 s)
    "wandb.apis.public",
    "yaml",
    "my_project",
    "my_project.data",
    "my_project.model",
    "torch.utils.tensorboard",
    "sklearn",  # its ROC helpers draw exercise 6's figure (3.7 s with scipy and pandas)
    "sklearn.metrics",
    "pandas",
    "matplotlib.backends.backend_agg",  # the first figure saved
    "torch.utils.serialization",  # the first torch.save
    "dotenv",  # a key read from a .env file
    # What an online run, the public API and an artifact's download import when first used
    # (about 250 modules; wandb's analytics send OpenTelemetry to the fake server). The
    # artifact models are pydantic classes that read their docstrings through inspect, over
    # every module loaded: 0.3-1 s of each run that fetched an artifact.
    "requests",
    "opentelemetry.sdk.metrics",
    "opentelemetry.sdk._logs",
    "opentelemetry.sdk.resources",
    "opentelemetry.exporter.otlp.proto.http.metric_exporter",
    "opentelemetry.exporter.otlp.proto.http._log_exporter",
    "wandb.sdk.launch.inputs.internal",
    "wandb.apis._generated.get_default_entity",
    "wandb.sdk.artifacts._internal_artifact",
    "wandb.sdk.artifacts._models.pagination",
    "wandb.sdk.artifacts._generated.operations",
    "wandb.sdk.artifacts._generated.artifact_membership_by_name",
    "wandb.sdk.artifacts._generated.fetch_artifact_manifest",
    "wandb.sdk.artifacts._generated.get_artifact_membership_file_urls",
    "wandb.sdk.artifacts._generated.link_artifact",
    "wandb.sdk.artifacts._generated.project_artifact_collection",
    "wandb.sdk.artifacts._generated.project_artifacts",
)
# What only MLflow runs import, preloaded for courses with MLflow exercises (0.75 CPU-s of
# each template start otherwise).
PRELOAD_FOR = {
    "mlflow": (
        # What an MLflow run's sqlite store imports (about 0.5 s of each MLflow run; none of it
        # reads the environment at import). mlflow itself is not preloaded: its import keeps
        # paths below HOME in module constants (every run has a HOME of its own) and reads
        # MLFLOW_LOGGING_LEVEL and some 50 telemetry and agent-detection variables.
        "sqlalchemy.orm",
        "sqlalchemy.dialects.sqlite",
        "sqlalchemy.dialects.postgresql",
        "sqlalchemy.dialects.mysql",
        "sqlalchemy.dialects.mssql",
        "alembic.command",
        "alembic.config",
        "alembic.runtime.migration",
        "alembic.autogenerate",
        # What `import mlflow` imports from other packages (about 0.15 s of each MLflow run);
        # none of it reads the environment at import either.
        "fastapi",
        "sqlparse",
        "cryptography.fernet",
        "packaging.requirements",
        "importlib_metadata",
    ),
}


def preload_for(tools: Collection[str] | None = None) -> list[str]:
    """What a template for exercises of ``tools`` imports (None: any exercise's)."""
    extra = [
        n for tool, names in PRELOAD_FOR.items() if tools is None or tool in tools for n in names
    ]
    return [*PRELOAD, *extra]


# Variables that differ between runs and that nothing the template imports reads at import.
# PYTHON_VERSION: set by python base images, whose ENV exercise 10's runs take.
_READ_LATER = {
    "HOME",
    "TMPDIR",
    "DO_NOT_TRACK",
    "GRADER_SANDBOX_ID",
    "GRADER_BATCH_ID",
    "PYTHON_VERSION",
}
_READ_LATER_PREFIXES = ("XDG_", "WANDB_", "MLFLOW_", "LOGURU_", "HYDRA_", "GIT_")
_READY_S = 300.0  # the template's imports (and a run's copy-in) before a run starts


class WarmUnavailable(Exception):
    """The template cannot start this run; the run is then cold."""


def _read_later(name: str) -> bool:
    return name in _READ_LATER or name.startswith(_READ_LATER_PREFIXES)


class Template:
    """A started template: its process (in its own bwrap sandbox) and its socket's path."""

    def __init__(
        self,
        isolation: Isolation,
        huge_pages: bool = False,
        tools: Collection[str] | None = None,
    ) -> None:
        parent = namespaces.sandbox_parent()
        self.root = Path(tempfile.mkdtemp(prefix="grader-template-", dir=parent))
        self.address = self.root / "control.sock"
        self.home = self.root / "home"
        self.env = sandbox_environment(self.home, f"template-{uuid.uuid4().hex}")
        self.ready: dict | None = None  # the template's report once its imports are done
        self.ready_event = threading.Event()
        self._isolation = isolation
        self._huge_pages = huge_pages
        self._preload = preload_for(tools)
        self._process: subprocess.Popen | None = None
        self._log: list[CappedStream] = []
        started = threading.Event()
        # bwrap dies with the thread that started it: this one lives as long as the template.
        threading.Thread(target=self._keep, args=(started,), daemon=True, name="template").start()
        started.wait(30)
        atexit.register(self.close)

    def _keep(self, started: threading.Event) -> None:
        try:
            owner, template_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            listener.bind(str(self.address))
            os.chmod(self.address, 0o600)
            listener.listen(64)
            user = namespaces.sandbox_user()
            if user is not None:  # bwrap runs as nobody: it must be able to reach its root
                os.chown(self.root, *user)
            data_fds = namespaces.identity_files(self.home)
            arguments = namespaces.launch(
                self._isolation.bwrap,
                self.root,
                namespaces.SMALL_TMPFS_BYTES,
                data_fds,
                template=True,
            )
            config = {
                "control_fd": template_end.fileno(),
                "listen_fd": listener.fileno(),
                "preload": [name for name in self._preload if _installed(name)],
                "views": list(namespaces.readonly_views()),
                "small_bytes": namespaces.SMALL_TMPFS_BYTES,  # /tmp and /dev/shm, as cold
                "identity": namespaces.TEMPLATE_IDENTITY,
                "read_later": sorted(_READ_LATER),  # what a nested run's environment may change
                "read_later_prefixes": list(_READ_LATER_PREFIXES),
                "huge_pages": self._huge_pages,
            }
            inside = str(namespaces.INSIDE / "template.py")
            command = [*arguments, "--", sys.executable, inside, marshal.dumps(config).hex()]
            out_read, out_write = os.pipe()
            passed = (template_end.fileno(), listener.fileno(), *data_fds.values())
            self._process = subprocess.Popen(
                command,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out_write,
                stderr=out_write,
                pass_fds=passed,
                start_new_session=True,
            )
        except Exception as error:  # no template: every run is cold
            self.ready = {"kind": "failed", "reason": f"{type(error).__name__}: {error}"}
            self.ready_event.set()
            return
        finally:
            started.set()
        os.close(out_write)
        for fd in data_fds.values():
            os.close(fd)
        template_end.close()
        listener.close()
        self._log = [CappedStream(open(out_read, "rb"), 8192, 8192)]  # noqa: SIM115
        self._owner = owner
        try:
            owner.settimeout(_READY_S)
            message = marshal.loads(owner.recv(1 << 16))
        except (OSError, EOFError, ValueError, TypeError):
            message = {"kind": "failed", "reason": "the template ended before it was ready"}
        self.ready = message if isinstance(message, dict) else {"kind": "failed"}
        self.ready_event.set()
        self._process.wait()

    @property
    def pid(self) -> int | None:
        """bwrap's, whose sandbox holds the template (for diagnosis)."""
        return self._process.pid if self._process is not None else None

    @property
    def usable(self) -> bool:
        """Still worth sending runs to (it may still be importing)."""
        if self.ready is None:
            return self._process is not None and self._process.poll() is None
        return self.ready.get("kind") == "ready" and self._process.poll() is None

    def describe(self) -> str:
        """For diagnosis: what the template imported, or why there is none."""
        self.ready_event.wait(_READY_S)
        ready = self.ready or {}
        if ready.get("kind") != "ready":
            log = self._log[0].text() if self._log else ""
            return f"no warm template: {ready.get('reason', 'it did not start')} {log[-500:]}"
        return f"warm template: {', '.join(ready['loaded'])} in {ready['seconds']:.1f} s"

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            namespaces.kill_group(self._process.pid)
            self._process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def _installed(name: str) -> bool:
    """Whether the top-level package of ``name`` is installed. Only the top level: finding
    ``torch.nn`` would import torch here, in the grader (4 s before the template started)."""
    try:
        return importlib.util.find_spec(name.partition(".")[0]) is not None
    except (ImportError, ValueError):
        return False


# -- which template this process uses ----------------------------------------------------------

_lock = threading.Lock()
_owned: Template | None = None
_broken: set[str] = set()  # addresses that failed once: this process runs cold from then on
_declined = False  # this grading would gain nothing from a template of its own (see plan)
# A template's imports cost about what one cold run's do, and more on a loaded machine: a
# grading that would make fewer warm runs than this is faster cold.
WORTH_RUNS = 2
# Backing the imports with huge pages costs the template 0.3-1 CPU-s, between runs, and saves
# each run's forks and exit 0.05-0.1: worth it for a template that serves at least this many.
HUGE_PAGES_RUNS = 10


def enabled() -> bool:
    return os.environ.get(COLD, "") not in ("1", "true", "yes")


def plan(runs: int) -> bool:
    """A grading on its own is about to make ``runs`` runs that could be warm: start no
    template for fewer than ``WORTH_RUNS`` of them, unless one is already shared with this
    process (a batch's, a watch's, the test suite's). Returns whether runs may be warm."""
    global _declined
    _declined = runs < WORTH_RUNS and not _inherited()
    return not _declined


def _inherited() -> str | None:
    address = os.environ.get(ADDRESS)
    if address and address not in _broken and Path(address).exists():
        return address
    return None


def start(
    isolation: Isolation, many_runs: bool = False, tools: Collection[str] | None = None
) -> str | None:
    """The address of this process's template, started now if there is none; None where runs
    cannot be warm (process isolation, ``--cold``). Also exported for the gradings it starts.
    A template for ``many_runs`` (``HUGE_PAGES_RUNS`` or more) backs its imports with huge
    pages once it is ready; one for exercises of ``tools`` only imports what they need (None:
    any exercise's; a run of another is warm all the same, importing the rest itself)."""
    global _owned
    if not enabled() or _declined or not isolation.namespaced:
        return None
    inherited = _inherited()
    if inherited:
        return inherited
    with _lock:
        if _owned is None or not _owned.usable:
            _owned = Template(isolation, huge_pages=many_runs, tools=tools)
        os.environ[ADDRESS] = str(_owned.address)
        return str(_owned.address)


def owned() -> Template | None:
    return _owned


def eligible(extra: Mapping[str, str] | None) -> bool:
    """May a run whose environment adds ``extra`` to the sandbox's be warm? Only if each of
    those variables either keeps the value every run's environment (the template's too) has,
    or is one that nothing the template imported reads at import."""
    base = fixed_environment()
    return all(
        _read_later(name) or base.get(name) == value for name, value in (extra or {}).items()
    )


# -- one run -----------------------------------------------------------------------------------


class _Connection:
    """This process's connection to a template (one per process: forked workers reconnect)."""

    _by_pid: ClassVar[dict[tuple[int, str], socket.socket]] = {}
    _send_lock = threading.Lock()

    @classmethod
    def send(cls, address: str, message: dict, fds: list[int]) -> None:
        key = (os.getpid(), address)
        with cls._send_lock:
            sock = cls._by_pid.get(key)
            if sock is None:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                try:
                    sock.connect(address)
                except OSError as error:
                    sock.close()
                    raise WarmUnavailable(f"no template at {address}: {error}") from error
                cls._by_pid[key] = sock
            try:
                socket.send_fds(sock, [marshal.dumps(message)], fds)
            except OSError as error:
                cls._by_pid.pop(key, None)
                sock.close()
                raise WarmUnavailable(f"the template at {address} is gone: {error}") from error


def execute(
    address: str,
    command: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    limits,  # Limits
    stdin: bytes | None,
    root: Path,
    home: Path,
    writable: list[Path],
    events_fd: int,
    serve: Mapping[int, namespaces.Serve],
    nested: bool = False,
) -> dict:
    """Run ``command`` (``python PROBE fd:N SCRIPT ARGS``) forked from the template at
    ``address``; the same result as ``namespaces.execute``. Raises ``WarmUnavailable`` when
    the template could not start it (nothing of the student's has run then)."""
    run_id = uuid.uuid4().hex
    grader_end, run_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    user = namespaces.sandbox_user()
    namespaces.hand_over(writable, user)
    streams = ChildStreams(stdin, limits.output_kb * 1024, user)
    stdin_fd = streams.stdin if streams.stdin >= 0 else os.open(os.devnull, os.O_RDONLY)
    folders = [os.open(path, os.O_RDONLY | os.O_DIRECTORY) for path in writable]
    job = {
        "kind": "run",
        "run": run_id,
        "probe": command[1],
        "script": command[3:],
        "cwd": str(cwd),
        "env": env,
        "time_s": limits.time_s,
        "limits": limits.rlimits(),
        "mounts": [str(path) for path in writable],
        "ports": sorted(serve),
        "max_entries": namespaces.MAX_ENTRIES,
        "parent": str(namespaces.sandbox_parent()),
        "root": str(root),
        "disk_bytes": limits.disk_mb << 20,
        "identity": namespaces.identity_texts(home),
        "nested": nested,  # its own `python SCRIPT.py` fork from here too (nested.py)
    }
    fds = [run_end.fileno(), events_fd, stdin_fd, streams.stdout, streams.stderr, *folders]
    started = time.monotonic()
    try:
        _Connection.send(address, job, fds)
    except WarmUnavailable:
        _broken.add(address)
        raise
    finally:
        for fd in folders:
            os.close(fd)
        if stdin_fd != streams.stdin:
            os.close(stdin_fd)
        run_end.close()
    control = namespaces.Control(grader_end, serve)
    streams.started()
    deadline = time.monotonic() + _READY_S
    while not control.started_event.wait(0.05) and control.is_alive():
        if time.monotonic() > deadline:
            _kill(address, run_id)
            break
    if not control.started:
        control.join(5)
        streams.texts()
        _broken.add(address)
        status = control.status or {}
        raise WarmUnavailable(status.get("text", "the template did not start the run"))
    control.join(limits.time_s + namespaces.GRACE_S)
    killed = control.is_alive()
    if killed:  # the run's supervisor did not report in time: end the run through its C
        _kill(address, run_id)
        control.join(5)
    stdout, stderr = streams.texts()
    result = namespaces.outcome(None, control, killed, stdout, stderr, started, command, cwd)
    return {**result, "warm": True}


def _kill(address: str, run_id: str) -> None:
    try:
        _Connection.send(address, {"kind": "kill", "run": run_id}, [])
    except WarmUnavailable:
        pass
