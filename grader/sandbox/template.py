"""The warm template: imports once what the W&B exercises pay for, then forks every run.

Usage (by ``warm.py`` only): python template.py CONFIG

It runs in a bwrap sandbox of its own (``warm.py`` starts it), as uid 0 with every capability
of that sandbox's user namespace, and nothing of the host beyond what a cold run sees. For
each run the grader sends a job and the run's descriptors over the control socket; the run's
processes are then, all below this one:

    template ─ C: new mount, PID, network, IPC and UTS namespaces; waits for P
               └ P: PID 1 of the run, the supervisor's job (``supervisor.py``): fresh /proc,
                    /tmp, /dev/shm and a size-capped tmpfs for the run's folders, its own
                    /etc/passwd, loopback up; copies in, serves ports, waits, kills, copies out
                    └ S: the run's limits, a user namespace of its own as uid 1000 with no
                         capability at all, the run's descriptors, folder and environment;
                         then the probe runs the script as ``__main__`` (``python SCRIPT``)

So a warm run has the namespaces, filesystem and limits of a cold one; what differs is only
that S starts with modules imported. What those modules read when imported is the template's,
not the run's; ``S`` checks that it would read the same (matplotlib's rc files) and otherwise
executes a fresh interpreter in place (the run is then cold, inside the same isolation). The
grader sends a run here only when its environment differs from the template's in variables
that nothing imported here reads at import (``warm.py``).
"""

from __future__ import annotations

import _signal
import gc
import importlib
import marshal
import os
import select
import socket
import sys
import time

import import_state
import interpreter_exit
import kernel
import nested
import probe
import supervisor

_NEVER_PRELOADED = ("loguru", "hydra", "omegaconf")  # a script may configure them by env first
_KEPT: list = []  # a run's replacements of import-time temporary folders
_STUDENT = 1000  # uid and gid of the student, as in a cold run
_WANDB_CORE_POLL_S = 0.01  # how often a warm wandb.init looks for wandb-core's port file
_CONTROL, _EVENTS, _STDIN, _STDOUT, _STDERR = range(5)  # the job's descriptors, in order


class _InStudent(BaseException):
    """Raised in S, the student's process, to leave the supervisor's code with the job (a
    BaseException: the supervisor's error handling must not catch it)."""

    def __init__(self, job: dict) -> None:
        self.job = job


def _send(fd: int, message: dict) -> None:
    try:
        os.write(fd, marshal.dumps(message))
    except OSError:
        pass


def _close(fds) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


class Template:
    def __init__(self, config: dict) -> None:
        self.config = config
        self.control = socket.socket(fileno=config["control_fd"])
        self.listener = socket.socket(fileno=config["listen_fd"])
        self.children: dict[str, int] = {}
        self.kept_fds: set[int] = set()  # opened by the imports: the runs keep them
        self.interpreter = sys.executable  # nested.REAL once a run's launcher is in place
        # What Python made of the SIGINT it inherited (ignored stays ignored), as a cold run's
        # Python makes of the same: the grader's, passed on by bwrap.
        self.sigint = _signal.getsignal(_signal.SIGINT)
        self.rc_file = ""
        self.to_collapse: list[tuple[int, int]] = []  # memory still to back with huge pages

    # -- start --------------------------------------------------------------------------------

    def preload(self) -> dict:
        for name in ("HOME", "TMPDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            if os.environ.get(name):
                os.makedirs(os.environ[name], exist_ok=True)
        self.data_baseline = _vm_data()  # a fresh interpreter's, before the imports
        started = time.monotonic()
        loaded, failed = [], {}
        for name in self.config["preload"]:
            try:
                importlib.import_module(name)
                loaded.append(name)
            except Exception as error:  # not installed here, or broken: runs import it cold
                failed[name] = f"{type(error).__name__}: {error}"
        if "matplotlib" in sys.modules:
            self.rc_file = sys.modules["matplotlib"].matplotlib_fname()
        if "wandb" in sys.modules:
            _poll_wandb_core_sooner()
        gc.collect()
        gc.freeze()  # the imported objects are never collected in a run: fewer pages copied
        # The imports' finalizers undo the template's own state (torch.library's 174 kernel
        # registrations: writing to pages the run shares, 30 ms of every run; tempfile's
        # removal of the template's folders); a run's own still run at its exit.
        import_state.keep_finalizers()
        self.temporary, stale = _import_time_paths(os.environ.get("HOME", "/nonexistent"))
        mine = {self.control.fileno(), self.listener.fileno()}
        self.kept_fds = {int(fd) for fd in os.listdir("/proc/self/fd")} - mine
        if self.config.get("huge_pages"):
            self.to_collapse = kernel.anonymous_huge_ranges()
        forbidden = [name for name in _NEVER_PRELOADED if name in sys.modules]
        self.refresh = [_REFRESH[where] for where in stale if where in _REFRESH]
        unknown = [where for where in stale if where not in _REFRESH]
        forbidden += [f"{where} (holds the template's own folder)" for where in unknown]
        return {
            "kind": "ready",
            "loaded": loaded,
            "failed": failed,
            "forbidden": forbidden,
            "seconds": time.monotonic() - started,
            "python_threads": _python_threads(),
        }

    # -- the loop -----------------------------------------------------------------------------

    def serve(self) -> dict:
        """Fork runs until the grader goes; returns only in a run's student process.

        The owner (the grader process that started this) holds ``control``: the template
        reports to it once, and ends when it closes. Every grading process that runs here
        (the owner's workers, a batch's or a watch's gradings) connects to ``listener``.
        """
        ready = self.preload()
        self.control.send(marshal.dumps(ready))
        if ready["forbidden"] or ready["python_threads"] != 1:
            os._exit(3)  # the grader reads why from the message and grades cold
        connections: list[socket.socket] = []
        while True:
            self._reap()
            waiting = [self.control, self.listener, *connections]
            readable, _, _ = select.select(waiting, [], [], 0 if self.to_collapse else 1)
            if not readable and self.to_collapse:
                # Between runs, never before one: a run's forks then copy, and its exit frees,
                # one page-table entry per 2 MiB of the imports instead of 512.
                kernel.collapse(*self.to_collapse.pop())
                continue
            for sock in readable:
                if sock is self.control:
                    os._exit(0)  # the owner is gone; bwrap's init then ends every run
                if sock is self.listener:
                    connections.append(self.listener.accept()[0])
                    continue
                try:
                    data, fds, _, _ = socket.recv_fds(sock, 1 << 20, 64)
                except OSError:
                    data, fds = b"", []
                if not data:
                    connections.remove(sock)
                    sock.close()
                    continue
                job = self._handle(data, fds, [*connections])
                if job is not None:
                    return job

    def _handle(self, data: bytes, fds: list[int], connections: list[socket.socket]):
        try:
            message = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            message = {}
        kind = message.get("kind") if isinstance(message, dict) else None
        if kind == "run" and len(fds) >= 5:
            pid = os.fork()
            if pid == 0:
                for sock in (self.control, self.listener, *connections):
                    sock.close()
                return self._run(message, fds)
            self.children[message["run"]] = pid
        elif kind == "kill" and message.get("run") in self.children:
            try:
                os.kill(self.children[message["run"]], _signal.SIGKILL)
            except ProcessLookupError:
                pass
        _close(fds)
        return None

    def _reap(self) -> None:
        for run, pid in list(self.children.items()):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                del self.children[run]

    # -- one run ------------------------------------------------------------------------------

    def _run(self, job: dict, fds: list[int]) -> dict:
        """C, then P and S below it; only S returns (with the job), everyone else exits."""
        try:
            kernel.unshare(
                kernel.CLONE_NEWNS
                | kernel.CLONE_NEWPID
                | kernel.CLONE_NEWNET
                | kernel.CLONE_NEWIPC
                | kernel.CLONE_NEWUTS
            )
            pid = os.fork()
            if pid == 0:
                return self._pid1(job, fds)
            _close(fds)
            os.waitpid(pid, 0)
            os._exit(0)
        except BaseException as error:
            _send(fds[_CONTROL], {"kind": "error", "text": f"{type(error).__name__}: {error}"})
            os._exit(1)

    def _pid1(self, job: dict, fds: list[int]) -> dict:
        kernel.die_with_parent(_signal.SIGKILL)  # the template kills a run by killing C
        os.setsid()  # the run's process group and session are its own, not the template's
        _signal.signal(_signal.SIGINT, _signal.SIG_DFL)  # pid 1: ignored from inside then
        kernel.set_dumpable(False)
        if _filesystem(job, self.config):
            self.interpreter = nested.REAL
        kernel.loopback_up()
        config = {
            "mounts": list(zip(fds[5:], job["mounts"], strict=True)),
            "ports": job["ports"],
            "control_fd": fds[_CONTROL],
            "max_entries": job["max_entries"],
            "time_s": job["time_s"],
        }
        try:
            report = supervisor.supervise(config, start=lambda _: self._fork_student(job, fds))
        except _InStudent as student:
            return student.job
        os.write(fds[_CONTROL], marshal.dumps(report))
        os._exit(0)

    def _fork_student(self, job: dict, fds: list[int]) -> int:
        told, tell = os.pipe()  # S writes the pid of Z, its nested runs' server, here
        pid = os.fork()
        if pid == 0:  # out of the supervisor's frames, up to main(), which runs the script
            os.close(told)
            raise _InStudent(self._student(job, fds, tell))
        os.close(tell)
        _close(fds[_EVENTS : _STDERR + 1])
        with os.fdopen(told, "rb") as pipe:
            server = pipe.read()  # S's set-up, ours: nothing of the student's runs before
        if server:
            supervisor.HELPERS.add(int(server))
        return pid

    def _student(self, job: dict, fds: list[int], tell: int) -> dict:
        try:
            import resource

            # The namespace first: made with the run's RLIMIT_NPROC, it would cap the count of
            # the template's namespace (the template and every run) at the run's limit.
            kernel.enter_user_namespace(_STUDENT, _STUDENT)
            limits = dict(job["limits"])
            if "RLIMIT_DATA" in limits:  # what the template imported is not the run's memory
                limits["RLIMIT_DATA"] += max(_vm_data() - self.data_baseline, 0)
            for name, value in limits.items():
                resource.setrlimit(getattr(resource, name), (value, value))
            _signal.signal(_signal.SIGINT, self.sigint)
            kernel.drop_capabilities()
            kernel.set_dumpable(True)
            events = fds[_EVENTS]
            self._settle(fds[_STDIN : _STDERR + 1], job["cwd"], job["env"], events, tell)
            command = [sys.executable, job["probe"], f"fd:{events}", *job["script"]]
            if not self._same_imports(job["script"][0]):
                os.set_inheritable(events, True)
                os.execve(self.interpreter, command, job["env"])
            if self.interpreter == nested.REAL:  # the launcher stands in for the interpreter
                request = self._nested_server(job, tell, events)
                if request is not None:
                    return self._nested(job, *request)
            os.close(tell)
            self._start_fresh(command)
            return job
        except BaseException as error:
            os.write(2, f"grader sandbox: could not start the run: {error}\n".encode())
            os._exit(127)

    def _nested_server(self, job: dict, tell: int, events: int) -> tuple | None:
        """Fork Z (``nested.py``); None in S, once Z's pid is told to P; in W, its request."""
        listener = nested.listen()
        pid = os.fork()
        if pid == 0:
            _close([tell, events])
            return nested.serve(listener)
        listener.close()
        os.write(tell, str(pid).encode())
        return None

    def _nested(self, job: dict, request: dict, fds: list[int]) -> dict:
        """W: become ``python SCRIPT.py ARGS`` as the launcher was asked, as S becomes the
        script's process; where the template's imports would differ from that run's, the
        interpreter itself runs it (cold, in place)."""
        try:
            argv, env = request["argv"], request["env"]
            self._settle(fds, request["cwd"], env)
            os.setpgid(0, 0)  # its group is its own: a launcher that is killed takes it along
            nested.apply_process_state(request)
            script = os.path.abspath(argv[1])
            if not self._read_later(env, job["env"]) or not self._same_imports(script):
                os.execve(nested.REAL, argv, env)
            self._start_fresh(argv)
            sys.path[0] = os.path.dirname(script)
            return {"kind": "nested", "script": script}
        except BaseException as error:
            os.write(2, f"grader sandbox: could not start a warm python: {error}\n".encode())
            os._exit(127)

    def _settle(self, stdio: list[int], cwd: str, env: dict, *kept: int) -> None:
        """Descriptors 0-2 from ``stdio`` and no others open but ``kept`` and the imports'
        own; the working folder and the whole environment, replaced."""
        for target, fd in enumerate(stdio):
            os.dup2(fd, target)
        keep = {0, 1, 2, *kept, *self.kept_fds}
        _close(int(fd) for fd in os.listdir("/proc/self/fd") if int(fd) not in keep)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)

    def _start_fresh(self, argv: list[str]) -> None:
        """What a fresh interpreter started by ``argv`` would hold of its own."""
        _fresh_module_state(self.temporary)
        for refresh in dict.fromkeys(self.refresh):
            refresh()
        sys.argv = argv[1:]
        sys.orig_argv = list(argv)

    def _read_later(self, env: dict, run_env: dict) -> bool:
        """Does ``env`` differ from the run's own only in what nothing imported here reads
        at import (the run's own differs from the template's only so: ``warm.eligible``)?"""
        names, prefixes = self.config["read_later"], tuple(self.config["read_later_prefixes"])
        changed = {name for name in {*env, *run_env} if env.get(name) != run_env.get(name)}
        return all(name in names or name.startswith(prefixes) for name in changed)

    def _same_imports(self, script: str) -> bool:
        """Would the modules imported here have read the same at import in a run of
        ``script``?"""
        if _shadowed(os.path.dirname(os.path.abspath(script))):
            return False  # cold, the script's folder (sys.path[0]) would provide them
        matplotlib = sys.modules.get("matplotlib")
        if matplotlib is None:
            return True
        # Its rc file is chosen at import: the working folder's, MATPLOTLIBRC, the config folder.
        for name in ("get_configdir", "get_cachedir"):
            cached = getattr(matplotlib, name)
            fresh = matplotlib._logged_cached(name.upper()[4:] + "=%s", cached.__wrapped__)
            setattr(matplotlib, name, fresh)
        return matplotlib.matplotlib_fname() == self.rc_file


def _poll_wandb_core_sooner() -> None:
    """``wandb.init`` looks for the port file of the wandb-core it started every 0.2 s; the
    file is there within 20 ms, so a run sat idle for 0.18 s of every init (3.4 s of each
    submission's grading, when the other gradings of a batch could have had the core).
    Warm runs look every 10 ms: the same steps, in the same order, only sooner."""
    try:
        from wandb.sdk.lib.service import service_port_file
    except ImportError:  # another layout (another wandb): its own interval stays
        return
    sleep = getattr(service_port_file, "_SLEEP", None)
    if sleep is time.sleep:
        service_port_file._SLEEP = lambda seconds: sleep(min(seconds, _WANDB_CORE_POLL_S))


def _vm_data() -> int:
    """This process's data segment in bytes (what RLIMIT_DATA limits)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmData:"):
                return int(line.split()[1]) << 10
    return 0


def _shadowed(folder: str) -> list[str]:
    """Modules imported here that a file or package in ``folder`` would replace when
    ``folder`` is first on sys.path, as the script's folder is in a cold run."""
    import importlib.machinery

    suffixes = sorted(importlib.machinery.all_suffixes(), key=len, reverse=True)
    try:
        entries = os.listdir(folder)
    except OSError:
        return []
    found = []
    for entry in entries:
        path = os.path.join(folder, entry)
        if os.path.isfile(os.path.join(path, "__init__.py")):
            name = entry
        else:
            name = next((entry[: -len(s)] for s in suffixes if entry.endswith(s)), "")
            name = name.split(".")[0]
        module = sys.modules.get(name) if name else None
        where = getattr(module, "__file__", None)
        if where and not os.path.abspath(where).startswith(folder + os.sep):
            found.append(name)
    return found


def _python_threads() -> int:
    import threading

    return threading.active_count()


def _filesystem(job: dict, config: dict) -> bool:
    """What bwrap gives a cold run and a run must not share: /proc, /tmp, /dev/shm, ptys, its
    own folders' tmpfs and its own identity files; and the launcher over the interpreter's
    file (``nested.py``). Mounts here are this run's only. Whether the launcher is there."""
    small = f"size={config['small_bytes']},mode=1777"
    staging = config["identity"]  # an empty folder of the template's view (bwrap --dir)
    views = config["views"]
    private = kernel.MS_NOSUID | kernel.MS_NODEV
    kernel.mount("none", "/", None, kernel.MS_REC | kernel.MS_PRIVATE)
    kernel.mount("proc", "/proc", "proc", private | kernel.MS_NOEXEC)
    below = [view for view in views if view.startswith("/tmp/")]  # a virtualenv below /tmp
    if below:  # the template's /tmp, for a while: its read-only views stay in the run's
        kernel.mount("/tmp", staging, None, kernel.MS_BIND | kernel.MS_REC)
    kernel.mount("tmpfs", "/tmp", "tmpfs", private, small)
    for view in below:
        source = staging + view[len("/tmp") :]
        if os.path.isdir(source):
            os.makedirs(view, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(view), exist_ok=True)
            open(view, "a").close()
        kernel.bind_readonly(source, view)
    if below:
        kernel.unmount(staging)
    kernel.mount("tmpfs", "/dev/shm", "tmpfs", private, small)
    try:
        options = "newinstance,ptmxmode=0666,mode=620"
        kernel.mount("devpts", "/dev/pts", "devpts", kernel.MS_NOSUID | kernel.MS_NOEXEC, options)
    except OSError:
        kernel.mount("tmpfs", "/dev/pts", "tmpfs", private, "size=4k,mode=755")
    parent = job["parent"]
    if parent != "/tmp" and not parent.startswith("/tmp/"):
        kernel.mount("tmpfs", parent, "tmpfs", private, "size=1m,mode=755")
    os.makedirs(job["root"], exist_ok=True)
    kernel.mount("tmpfs", job["root"], "tmpfs", private, f"size={job['disk_bytes']},mode=755")
    kernel.mount("tmpfs", staging, "tmpfs", private, "size=64k,mode=755")
    for target, content in job["identity"].items():
        staged = os.path.join(staging, os.path.basename(target))
        with open(staged, "w") as handle:
            handle.write(content)
        kernel.bind_readonly(staged, target)
    launcher = job.get("nested", False) and _bind_launcher(staging)
    kernel.unmount(staging)
    return launcher


def _bind_launcher(staging: str) -> bool:
    """``launcher.py``, marked executable, over the file the interpreter's paths lead to."""
    if not (os.path.isfile(nested.REAL) and os.path.isfile(nested.LAUNCHER)):
        return False  # an older view: nested runs stay cold
    staged = os.path.join(staging, "python")
    with open(nested.LAUNCHER, "rb") as source, open(staged, "wb") as copy:
        copy.write(source.read())
    os.chmod(staged, 0o755)
    kernel.bind_readonly(staged, os.path.realpath(sys.executable))
    return True


def _user_site() -> None:
    import site

    site.USER_BASE = site.USER_SITE = None
    site.getusersitepackages()  # both, from this run's HOME


def _matplotlib_home() -> None:
    from pathlib import Path

    sys.modules["matplotlib.font_manager"]._HOME = Path.home()


def _matplotlib_tex_cache() -> None:
    from pathlib import Path

    matplotlib = sys.modules["matplotlib"]
    tex = sys.modules["matplotlib.texmanager"].TexManager
    tex._cache_dir = Path(matplotlib.get_cachedir(), "tex.cache")


def _fsspec_config() -> None:
    config = sys.modules["fsspec.config"]
    config.default_conf_dir = os.path.join(os.path.expanduser("~"), ".config/fsspec")
    config.conf_dir = os.environ.get("FSSPEC_CONFIG_DIR", config.default_conf_dir)


# Values the imports computed from the template's HOME or TMPDIR, and how a run recomputes
# them from its own, as its imports would have. Any other such value makes runs cold.
_REFRESH = {
    "site.USER_SITE": _user_site,
    "site.USER_BASE": _user_site,
    "tempfile.tempdir": lambda: None,  # reset for every run (_fresh_module_state)
    "matplotlib.font_manager._HOME": _matplotlib_home,
    "matplotlib.texmanager.TexManager._cache_dir": _matplotlib_tex_cache,
    "fsspec.config.default_conf_dir": _fsspec_config,
    "fsspec.config.conf_dir": _fsspec_config,
}


def _import_time_paths(home: str) -> tuple[list, list[str]]:
    """What the imported modules made of the template's HOME and TMPDIR at import: temporary
    folders (wandb makes two), which each run remakes in its own; and any other path, which
    no run could share (the template then refuses to serve, and every run is cold)."""
    import pathlib

    values = import_state.module_values()
    stale = [
        where
        for where, value in values
        if isinstance(value, str | pathlib.PurePath) and str(value).startswith(home)
    ]
    return import_state.temporary_folders(values, below=home), stale


def _fresh_module_state(temporary: list) -> None:
    """What a fresh interpreter would not share with the template or another run."""
    import tempfile

    tempfile.tempdir = None  # chosen from TMPDIR at first use
    tempfile._name_sequence = None  # its Random is reseeded only when the pid changes: 2 here too
    import_state.renew_folders(temporary, _KEPT)
    for name in ("supervisor", "kernel", "interpreter_exit", "probe", "import_state"):
        sys.modules.pop(name, None)
    importlib.invalidate_caches()
    # Seeded from the OS at start-up in a fresh interpreter (Python's own reseeds at fork).
    random = sys.modules.get("numpy.random")
    if random is not None:
        random.seed()
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.seed()


def main() -> None:
    config = marshal.loads(bytes.fromhex(sys.argv[1]))
    job = Template(config).serve()
    if job.get("kind") == "nested":
        _run_nested(job["script"])
    try:
        probe.run_as_main(job["probe"], clear_at_exit=False)  # its hooks outlive atexit
    except SystemExit as exit_:
        code = interpreter_exit.status(exit_.code)
        if os.environ.get("PYTHONINSPECT"):
            raise  # the script asked for a prompt
        if code is None:
            code = interpreter_exit.printed_status(exit_.code)
        if code is None:
            raise  # Python's own exit, which says what failed
    else:
        code = 0
        if os.environ.get("PYTHONINSPECT"):
            return
    interpreter_exit.finish(code)


def _run_nested(script: str) -> None:
    """W: run ``script`` as ``python SCRIPT`` does, its traceback without this file's frames."""
    signal_number = None
    try:
        probe.run_as_main(script)
    except SystemExit as exit_:
        code = interpreter_exit.status(exit_.code)
        if code is None:
            code = interpreter_exit.printed_status(exit_.code)
        if code is None:
            raise  # Python's own exit, which says what failed
    except BaseException as error:
        trace = error.__traceback__
        while trace is not None and trace.tb_frame.f_code.co_filename != script:
            trace = trace.tb_next
        if trace is not None:
            error.with_traceback(trace)  # what Python's hook prints (not only its argument)
        sys.excepthook(type(error), error, error.__traceback__)
        code = 1
        if isinstance(error, KeyboardInterrupt):
            signal_number = _signal.SIGINT  # Python ends by SIGINT then, after its teardown
    else:
        code = 0
    interpreter_exit.finish(code, signal_number)


if __name__ == "__main__":
    main()
