"""A `python SCRIPT.py` that a warm run starts (``grader/sandbox/nested.py``) is, for both
scripts, the one a cold run starts: the same arguments, paths, environment, input and output,
exit status, signals and time-outs; and it is warm itself where a cold one would have read
the same at start-up.

Each parent script below runs ``child.py`` several ways and prints what it saw as JSON; the
warm and the cold run of it must print the same. Whether the child was warm is what it says
of ``torch`` being imported before its first line (only the template imports it), so a test
that compares the two compares a warm child with a cold one.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest

from grader.sandbox import RunResult

from .test_warm import NAMESPACES, Pair, pair_over

pytestmark = pytest.mark.skipif(not NAMESPACES.namespaced, reason=NAMESPACES.reason)

_CHILD = """
import json, os, signal, sys, time
preloaded = "torch" in sys.modules  # before anything: only the template imports torch
mode = sys.argv[1]
if mode == "world":
    print(json.dumps({
        "preloaded": preloaded,
        "argv": sys.argv,
        "orig_argv": sys.orig_argv[1:],
        "same_executable": sys.executable == open("parent_executable.txt").read(),
        "file": os.path.relpath(__file__),
        "path0": os.path.relpath(sys.path[0]),
        "cwd": os.path.basename(os.getcwd()),
        "name": __name__,
        "notes": os.environ.get("WANDB_NOTES"),
        "umask": oct(os.umask(0o22)),
        "nofile": __import__("resource").getrlimit(__import__("resource").RLIMIT_NOFILE),
        "sigusr1_ignored": signal.getsignal(signal.SIGUSR1) == signal.SIG_IGN,
        "threads": __import__("threading").active_count(),
    }))
elif mode == "exit":
    sys.exit(3)
elif mode == "text":
    sys.exit("stopped early")
elif mode == "raise":
    def fail():
        raise ValueError("bad value")
    fail()
elif mode == "os_exit":
    print("flushed?", flush=True)
    os._exit(7)
elif mode == "term_self":
    os.kill(os.getpid(), signal.SIGTERM)
elif mode == "interrupt":
    raise KeyboardInterrupt
elif mode == "echo":
    print("".join(reversed(sys.stdin.read())), end="")
    print("to stderr", file=sys.stderr)
elif mode == "trap":
    def stop(number, frame):
        print("stopped by", signal.Signals(number).name, flush=True)
        sys.exit(5)
    signal.signal(signal.SIGTERM, stop)
    print("ready", flush=True)
    time.sleep(30)
elif mode == "hang":
    open("hanging.pid", "w").write(str(os.getpid()))
    time.sleep(60)
elif mode == "again":
    sys.exit(os.waitstatus_to_exitcode(os.system(f"{sys.executable} child.py exit")))
"""

_PARENT = """
import json, os, resource, signal, subprocess, sys, time
open("parent_executable.txt", "w").write(sys.executable)  # no variable: it would make it cold
seen = {}

def run(*args, **options):
    done = subprocess.run([sys.executable, "child.py", *args], capture_output=True, text=True,
                          **options)
    return [done.returncode, done.stdout, done.stderr]

seen["world"] = run("world", "two words", env={**os.environ, "WANDB_NOTES": "n"})
for mode in ("exit", "text", "raise", "os_exit", "term_self", "interrupt", "again"):
    seen[mode] = run(mode)
seen["echo"] = run("echo", input="abc\\n")

os.umask(0o077)
resource.setrlimit(resource.RLIMIT_NOFILE, (512, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
seen["inherited"] = run("world")
signal.signal(signal.SIGUSR1, signal.SIG_DFL)
seen["import_time_variable"] = run("world", env={**os.environ, "PYTHONHASHSEED": "7"})

import socket  # what any script may send to the run's server: it must go on serving
for junk in (b"", b"not marshal", b"\\x00" * 64):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as server:
            server.connect("\\0grader-python")
            server.send(junk)
    except OSError:
        pass  # a cold run has no server
seen["after_junk"] = run("world")

trap = subprocess.Popen([sys.executable, "child.py", "trap"], stdout=subprocess.PIPE, text=True)
ready = trap.stdout.readline()
trap.terminate()
seen["trap"] = [ready, trap.wait(), trap.stdout.read()]

try:
    subprocess.run([sys.executable, "child.py", "hang"], timeout=1.5)
except subprocess.TimeoutExpired:
    time.sleep(0.5)
pid = int(open("hanging.pid").read())
try:
    state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
except OSError:
    state = "gone"
seen["after_timeout"] = state
print(json.dumps(seen))
"""


_WORLDS = ("world", "inherited", "import_time_variable", "after_junk")  # the child's "world"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    yield from pair_over(tmp_path_factory, {"child.py": _CHILD}, nested=True)


@pytest.fixture(scope="module")
def both(pair: Pair) -> tuple[dict, dict]:
    """What the parent saw, warm and cold (each test takes its own copy)."""
    return _seen(pair.run(_PARENT, warm=True)), _seen(pair.run(_PARENT, warm=False))


def _seen(result: RunResult) -> dict:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.tidy(result.stdout).splitlines()[-1])


def _world(seen: dict, key: str) -> dict:
    code, stdout, stderr = seen.pop(key)
    assert code == 0, stderr
    return json.loads(stdout)


def test_a_nested_python_is_warm_and_sees_what_a_cold_one_sees(both: tuple) -> None:
    warm, cold = copy.deepcopy(both)
    for seen, preloaded in ((warm, True), (cold, False)):
        for key in _WORLDS:
            world = _world(seen, key)
            # PYTHONHASHSEED is read at start-up: such a run is cold, warm too.
            assert world.pop("preloaded") is (preloaded and key != "import_time_variable"), key
            seen[key] = world
    assert warm == cold
    world, inherited = warm["world"], warm["inherited"]
    assert world["argv"] == world["orig_argv"] == ["child.py", "world", "two words"]
    assert world["same_executable"] and world["name"] == "__main__"
    assert (world["file"], world["path0"], world["notes"]) == ("child.py", ".", "n")
    assert world["threads"] == 1
    assert (inherited["umask"], inherited["nofile"][0], inherited["sigusr1_ignored"]) == (
        "0o77",
        512,
        True,
    )


def test_a_nested_python_ends_as_a_cold_one_ends(both: tuple) -> None:
    warm, cold = copy.deepcopy(both)
    for key in _WORLDS:
        warm.pop(key), cold.pop(key)
    assert warm == cold
    assert warm["exit"][0] == 3 and warm["text"][:1] == [1] and "stopped early" in warm["text"][2]
    code, _, stderr = warm["raise"]
    assert code == 1 and stderr.startswith("Traceback (most recent call last):\n  File ")
    assert 'child.py", line' in stderr.splitlines()[1] and stderr.endswith(
        "ValueError: bad value\n"
    )
    assert warm["os_exit"] == [7, "flushed?\n", ""]
    assert warm["term_self"][0] == -15 and warm["interrupt"][0] == -2
    assert warm["again"][0] == 3
    assert warm["echo"] == [0, "\ncba", "to stderr\n"]
    assert warm["trap"] == ["ready\n", 5, "stopped by SIGTERM\n"]
    assert warm["after_timeout"] == "gone"  # the launcher killed at the time-out took it along


def test_the_server_is_not_counted_among_processes_left_running(pair: Pair) -> None:
    leaving = "import subprocess\nsubprocess.Popen(['sleep', '60'])\nprint('left one')\n"
    for source, left in (("print('nothing left')\n", 0), (leaving, 1)):
        warm, cold = pair.both(source)
        for result in (warm, cold):
            assert result.ok, result.stderr
            assert result.leftovers == left, (result.warm, result.stdout)
