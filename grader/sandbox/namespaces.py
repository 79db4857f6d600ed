"""Running student code in its own namespaces through bubblewrap.

The run sees a filesystem made for it: the system's programs and libraries, the interpreter
and its virtualenv, ``my_project`` and the probe, all read-only; its own folders in one
size-capped tmpfs; a fresh ``/proc`` (its own processes only), a minimal ``/dev``, a network
namespace holding nothing but its loopback. Nothing else of the host exists for it: not the
checkout (``grader/``, ``solutions/``, ``tests/``, ``configs/``), not other submissions, not
``/root``, ``/home`` or the results path. Inside, ``supervisor.py`` copies the run's folders in
and, once every process of the run is dead, back out (see there).
"""

from __future__ import annotations

import functools
import importlib.util
import marshal
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from .output import ChildStreams
from .reaper import kill_group, wait_exit

SUPERVISOR = Path(__file__).with_name("supervisor.py")
INSIDE = Path("/run/grader")  # where the probe and the supervisor appear in the run's view
UID = GID = 1000  # the student's user inside; the host's own user stays hidden
_SYSTEM_TOPS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
# Files of /etc that programs read to work at all (the loader, certificates, time zone);
# nothing else of /etc (no shadow, no machine secrets, no pip or cloud configuration).
_ETC = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "ssl",
    "ca-certificates",
    "localtime",
    "timezone",
    "nsswitch.conf",
    "host.conf",
    "mime.types",
    "os-release",
    "fonts",
)
SMALL_TMPFS_BYTES = 64 << 20  # /tmp and /dev/shm; the run's own folders have the disk cap
MAX_ENTRIES = 20_000  # files and folders copied in or out of one run
GRACE_S = 15.0  # time allowed beyond the run's own limit for copying in and out

Serve = Callable[[socket.socket], None]
# A root grader starts bwrap through this (util-linux's unshare, mount and setpriv): in a mount
# namespace of its own, each read-only source is bound onto a staging path that nobody can
# reach, then bwrap runs as nobody. Arguments: UID GID SOURCE STAGED ... -- BWRAP ARGS.
_AS_NOBODY = """set -e
user=$1 group=$2
shift 2
while [ "$1" != "--" ]; do mount --bind "$1" "$2"; shift 2; done
shift
exec setpriv --reuid="$user" --regid="$group" --clear-groups -- "$@"
"""
ROOT_TOOLS = ("unshare", "mount", "setpriv")
# What the warm template's sandbox adds.
TEMPLATE_FILES = (
    "template.py",
    "kernel.py",
    "interpreter_exit.py",
    "import_state.py",
    "nested.py",
    "launcher.py",
)
TEMPLATE_IDENTITY = "/run/grader-identity"  # where a warm run stages its /etc files
_PROJECT = Path(__file__).resolve().parents[2]  # the checkout (or site-packages' parent)


class SandboxError(RuntimeError):
    """The sandbox itself failed (not the student's code): reported as a grader error."""


@functools.cache  # the interpreter and my_project stay where they are for the whole grading
def readonly_paths() -> tuple[Path, ...]:
    """Host folders the run needs to see: the interpreter, its virtualenv, ``my_project``."""
    paths = {Path(sys.base_prefix), Path(sys.prefix), Path(os.path.realpath(sys.executable))}
    spec = importlib.util.find_spec("my_project")
    if spec is not None and spec.submodule_search_locations:
        paths.add(Path(next(iter(spec.submodule_search_locations))))
    kept: list[Path] = []
    for path in sorted(paths, key=lambda p: len(p.parts)):
        if path.is_relative_to("/usr") or any(path.is_relative_to(k) for k in kept):
            continue
        kept.append(path)
    return tuple(kept)


def sandbox_parent() -> Path:
    """Where sandbox roots go: the temporary folder, unless it lies inside something the run
    sees read-only (nox points TMPDIR into the session's virtualenv), then /tmp."""
    chosen = Path(tempfile.gettempdir()).resolve()
    if any(chosen.is_relative_to(path) for path in readonly_paths()):
        chosen = Path("/tmp")
    if any(chosen.is_relative_to(path) for path in readonly_paths()):
        raise SandboxError(f"no temporary folder outside the interpreter's folders: {chosen}")
    return chosen


def _system_arguments() -> list[str]:
    arguments: list[str] = []
    for top in _SYSTEM_TOPS:
        path = Path("/") / top
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            arguments += ["--ro-bind", str(path), str(path)]
    for name in _ETC:
        arguments += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    # CPU topology for torch and OpenBLAS; nothing of it is secret.
    arguments += ["--ro-bind-try", "/sys/devices/system/cpu", "/sys/devices/system/cpu"]
    return arguments


def _data_file(content: str) -> int:
    """A memory file holding ``content`` (bwrap copies it into the run's view)."""
    fd = os.memfd_create("grader-etc", 0)
    os.write(fd, content.encode())
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def identity_texts(home: Path) -> dict[str, str]:
    """The files of /etc that say who the run is: the student, whose home is ``home``."""
    return {
        "/etc/passwd": (
            f"student:x:{UID}:{GID}:student:{home}:/bin/sh\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
        ),
        "/etc/group": f"student:x:{GID}:\nnogroup:x:65534:\n",
        "/etc/hosts": "127.0.0.1 localhost\n::1 localhost\n",
        "/etc/hostname": "grader-sandbox\n",
    }


def identity_files(home: Path) -> dict[str, int]:
    """``identity_texts`` as memory files, by path, for bwrap to put in the run's view."""
    return {path: _data_file(text) for path, text in identity_texts(home).items()}


def sandbox_user() -> tuple[int, int] | None:
    """The host user that runs bwrap: the grader's own, or ``nobody`` when that is root.

    Root's processes are exempt from the process cap (the kernel does not enforce
    RLIMIT_NPROC for root, user namespace or not), and root may read what nobody else may.
    """
    return (65534, 65534) if os.geteuid() == 0 else None


def hand_over(folders: list[Path], user: tuple[int, int] | None) -> None:
    """Give the run's host folders to the user bwrap runs as, so the copy back can write."""
    if user is None:
        return
    for folder in folders:
        for path in (folder, *folder.rglob("*")):
            os.chown(path, *user, follow_symlinks=False)


def readonly_views() -> dict[str, Path]:
    """What the run sees read-only besides the system: its path in the run, its host path."""
    views = {str(path): path for path in readonly_paths()}
    views[str(INSIDE / "probe.py")] = Path(__file__).with_name("probe.py")
    views[str(INSIDE / "supervisor.py")] = SUPERVISOR
    return views


def launch(
    bwrap: str, root: Path, disk_bytes: int, data_fds: Mapping[str, int], template: bool = False
) -> list[str]:
    """The command that starts a run's namespaces, up to ``--``.

    As an ordinary user, that is bwrap itself. As root, bwrap has to run as ``nobody`` and
    reach the interpreter and the virtualenv through paths ``nobody`` may walk (the
    interpreter may live below ``/root``): ``_AS_NOBODY`` stages them below ``root`` first.
    """
    views = readonly_views()
    if template:
        for name in TEMPLATE_FILES:
            views[str(INSIDE / name)] = Path(__file__).with_name(name)
        # The interpreter itself, where the launcher over its file hands a run on (nested.py).
        views[str(INSIDE / "python")] = Path(os.path.realpath(sys.executable))
    user = sandbox_user()
    if user is None:
        return bwrap_arguments(bwrap, root, disk_bytes, views, data_fds, template)
    stage = root / ".stage"  # runs of one sandbox may start at once (threads): exist_ok
    stage.mkdir(mode=0o755, exist_ok=True)
    root.chmod(0o711)  # nobody may pass through to the staging paths, not list the root
    tops = _staging_tops(list(views.values()))
    pairs: list[str] = []
    for number, top in enumerate(tops):
        (stage / str(number)).mkdir(exist_ok=True)
        pairs += [str(top), str(stage / str(number))]
    staged = {target: _staged(source, tops, stage) for target, source in views.items()}
    program = str(_staged(Path(bwrap), tops, stage))
    prefix = ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", _AS_NOBODY]
    prefix += ["as-nobody", str(user[0]), str(user[1]), *pairs, "--"]
    return prefix + bwrap_arguments(program, root, disk_bytes, staged, data_fds, template)


def _staging_tops(sources: list[Path]) -> list[Path]:
    """The folders to stage: the project (probe, supervisor, ``my_project``, a virtualenv
    below it) as one, every other source as itself. Each costs the launch a mount (~1.5 ms)."""
    wanted = {_PROJECT if source.is_relative_to(_PROJECT) else source for source in sources}
    tops: list[Path] = []
    for path in sorted(wanted, key=lambda p: len(p.parts)):
        if not any(path.is_relative_to(top) for top in tops):
            tops.append(path if path.is_dir() else path.parent)
    return tops


def _staged(path: Path, tops: list[Path], stage: Path) -> Path:
    """``path`` as ``nobody`` reaches it once ``tops`` are staged (bwrap in the virtualenv)."""
    for number, top in enumerate(tops):
        if path.is_relative_to(top):
            return stage / str(number) / path.relative_to(top)
    return path


def bwrap_arguments(
    bwrap: str,
    root: Path,
    disk_bytes: int,
    readonly: Mapping[str, Path],
    data_fds: Mapping[str, int],
    template: bool = False,
) -> list[str]:
    """bwrap's command line up to ``--``: the namespaces and the filesystem of one run.

    ``readonly`` maps paths in the run's view to the host paths bwrap binds them from;
    ``data_fds`` maps paths in the run's view to descriptors holding their content.
    ``template`` makes the warm template's sandbox instead (``template.py``): uid 0 keeping
    the capabilities of its user namespace, which its runs need to make their own namespaces,
    and empty folders for what they mount.
    """
    if template:
        who = ["--uid", "0", "--gid", "0", "--cap-add", "ALL"]
    else:
        who = ["--uid", str(UID), "--gid", str(GID), "--cap-drop", "ALL"]
    arguments = [
        bwrap,
        "--unshare-user",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-net",
        "--unshare-cgroup-try",
        *who,
        "--hostname",
        "grader-sandbox",
        "--die-with-parent",
        "--new-session",
        *_system_arguments(),
    ]
    arguments += ["--proc", "/proc", "--dev", "/dev"]
    arguments += ["--size", str(SMALL_TMPFS_BYTES), "--tmpfs", "/dev/shm"]
    # Outer paths first, so that no mount hides one below it: a virtualenv below /tmp stays
    # visible under the /tmp tmpfs. The run's own tmpfs is never below a read-only view
    # (``sandbox_parent``), where it would show that view's neighbours.
    mounts: list[tuple[str, list[str]]] = [
        ("/tmp", ["--size", str(SMALL_TMPFS_BYTES), "--tmpfs", "/tmp"]),
        (str(root), ["--size", str(disk_bytes), "--tmpfs", str(root)]),
    ]
    mounts += [(target, ["--ro-bind", str(source), target]) for target, source in readonly.items()]
    # A warm run binds its own files over these: a mount needs a linked file (--file).
    data = "--file" if template else "--ro-bind-data"
    mounts += [(target, [data, str(fd), target]) for target, fd in data_fds.items()]
    if template:
        parent = sandbox_parent()
        if not parent.is_relative_to("/tmp"):
            mounts.append((str(parent), ["--dir", str(parent)]))
        mounts.append((TEMPLATE_IDENTITY, ["--dir", TEMPLATE_IDENTITY]))
    for _, words in sorted(mounts, key=lambda mount: len(Path(mount[0]).parts)):
        arguments += words
    arguments += ["--remount-ro", "/", "--chdir", "/"]
    return arguments


class Control(threading.Thread):
    """The grader's end of the control socket: listening sockets to serve, then the status."""

    def __init__(self, sock: socket.socket, serve: Mapping[int, Serve]) -> None:
        super().__init__(daemon=True, name="sandbox-control")
        self._sock = sock
        self._serve = serve
        # Set when the supervisor has set the run up and is starting the student's code.
        self.started_event = threading.Event()
        self.status: dict | None = None
        self.start()

    @property
    def started(self) -> bool:
        return self.started_event.is_set()

    def run(self) -> None:
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(self._sock, 1 << 16, 16)
            except OSError:
                break
            if not data:
                break
            try:
                message = marshal.loads(data)
            except (EOFError, ValueError, TypeError):
                message = {}
            if not isinstance(message, dict):
                message = {}
            sockets = [socket.socket(fileno=fd) for fd in fds]
            if message.get("kind") == "listening":
                for port, listener in zip(message["ports"], sockets, strict=False):
                    self._serve[port](listener)
            elif message.get("kind") == "started":
                self.started_event.set()
            else:
                for extra in sockets:
                    extra.close()
                self.status = message
        self._sock.close()


def execute(
    bwrap: str,
    command: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    limits,  # Limits (not imported: runner imports this module)
    stdin: bytes | None,
    root: Path,
    home: Path,
    writable: list[Path],
    events_fd: int,
    serve: Mapping[int, Serve],
) -> dict:
    """Run ``command`` (paths as the run sees them) in new namespaces; see ``supervisor.py``."""
    grader_end, run_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    user = sandbox_user()
    hand_over(writable, user)
    folders = [os.open(path, os.O_RDONLY | os.O_DIRECTORY) for path in writable]
    data_fds = identity_files(home)
    config = {
        "command": command,
        "cwd": str(cwd),
        "time_s": limits.time_s,
        "limits": limits.rlimits(),
        "control_fd": run_end.fileno(),
        "events_fd": events_fd,
        "mounts": [[fd, str(path)] for fd, path in zip(folders, writable, strict=True)],
        "ports": sorted(serve),
        "max_entries": MAX_ENTRIES,
    }
    arguments = launch(bwrap, root, limits.disk_mb << 20, data_fds)
    encoded = marshal.dumps(config).hex()
    python = [sys.executable, "-I", "-S", str(INSIDE / "supervisor.py"), encoded]
    passed = (run_end.fileno(), events_fd, *folders, *data_fds.values())
    streams = ChildStreams(stdin, limits.output_kb * 1024, user)
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            [*arguments, "--", *python],
            env=env,
            stdin=streams.stdin,
            stdout=streams.stdout,
            stderr=streams.stderr,
            pass_fds=passed,
            start_new_session=True,
        )
    finally:
        for fd in (*folders, *data_fds.values()):
            os.close(fd)
        run_end.close()
    control = Control(grader_end, serve)
    streams.started()
    killed = not wait_exit(process, limits.time_s + GRACE_S)
    if killed:  # the supervisor was stopped (SIGSTOP), or copying out took too long
        kill_group(process.pid)
        process.wait()
    control.join(5)
    stdout, stderr = streams.texts()
    return outcome(process.returncode, control, killed, stdout, stderr, started, command, cwd)


def outcome(exit_code, control, killed, stdout, stderr, started, command, cwd) -> dict:
    """The run's result from its supervisor's status (or, without one, from what is known)."""
    status = control.status
    if status is not None and status.get("kind") == "error":
        raise SandboxError(f"the sandbox's supervisor failed: {status.get('text')}")
    if status is None:
        if not control.started:  # bwrap, the root launch or the supervisor's set-up failed
            raise SandboxError(f"the sandbox could not start the run: {stderr.strip()[-2000:]}")
        status = {
            "exit_code": exit_code,
            "timed_out": killed,
            "duration": time.monotonic() - started,
            "leftovers": 0,
        }
        stderr += (
            "\n[grader: the run stopped its sandbox's supervisor, so the files it wrote "
            "could not be collected]\n"
        )
    return {
        "command": command,
        "cwd": cwd,
        "exit_code": status["exit_code"],
        "timed_out": bool(status["timed_out"]),
        "duration": float(status["duration"]),
        "stdout": stdout,
        "stderr": stderr,
        "leftovers": int(status.get("leftovers", 0)),
        "not_copied": list(status.get("not_copied", [])),
    }
