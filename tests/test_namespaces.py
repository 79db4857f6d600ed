"""The namespaced sandbox's own mechanics: the view, the caps, the copy back, the served port."""

from __future__ import annotations

import socket
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

import pytest

from grader.course import load_course
from grader.readers.probe_trace import read_trace
from grader.sandbox import Limits, Sandbox
from grader.sandbox.isolation import Isolation, probe_namespaces
from grader.sandbox.namespaces import SandboxError

from .conftest import ROOT

NAMESPACES = probe_namespaces()
pytestmark = pytest.mark.skipif(not NAMESPACES.namespaced, reason=NAMESPACES.reason)


def _run(tmp_path: Path, source: str, limits: Limits | None = None, **options):
    folder = tmp_path / "student"
    folder.mkdir(exist_ok=True)
    (folder / "script.py").write_text(textwrap.dedent(source))
    box = Sandbox(folder, limits or Limits(), NAMESPACES)
    return box, box.run("script.py", **options)


def test_the_run_sees_none_of_the_checkout_and_is_not_root(tmp_path: Path) -> None:
    box, result = _run(
        tmp_path,
        f"""
        import os
        for path in ({str(ROOT / "grader")!r}, {str(ROOT / "solutions")!r},
                     {str(ROOT / "tests")!r}, {str(ROOT / "configs")!r}, "/home",
                     {str(tmp_path)!r}, "/etc/shadow", "/root/.bashrc"):
            print(path, os.path.exists(path))
        processes = sorted(p for p in os.listdir("/proc") if p.isdigit())
        print("uid", os.getuid(), "processes", processes)
        """,
    )
    with box:
        assert result.ok, result.stderr
        lines = result.stdout.splitlines()
        assert all(line.endswith(" False") for line in lines[:-1]), result.stdout
        assert lines[-1].startswith("uid 1000 processes ")
        assert len(lines[-1].split("processes ")[1].split(",")) <= 3  # init, supervisor, itself


def test_the_run_files_come_back_as_regular_files_only(tmp_path: Path) -> None:
    box, result = _run(
        tmp_path,
        """
        import os
        os.makedirs("out/deep", exist_ok=True)
        open("out/deep/kept.txt", "w").write("kept")
        with open("sparse.bin", "wb") as handle:
            handle.truncate(100 * 1024 * 1024)
        os.symlink("/etc/passwd", "out/link")
        os.mkfifo("out/fifo")
        """,
    )
    with box:
        assert result.ok, result.stderr
        out = result.workdir / "out"
        assert (out / "deep" / "kept.txt").read_text() == "kept"
        assert not (out / "link").exists() and not (out / "link").is_symlink()
        assert not (out / "fifo").exists()
        assert any("link" in note for note in result.not_copied)
        sparse = (result.workdir / "sparse.bin").stat()
        assert sparse.st_size == 100 * 1024 * 1024 and sparse.st_blocks * 512 < 1024 * 1024


def test_writing_past_the_disk_cap_fails_inside_the_run(tmp_path: Path) -> None:
    box, result = _run(
        tmp_path,
        """
        written = 0
        try:
            with open("big.bin", "wb") as handle:
                for _ in range(100):
                    handle.write(b"x" * (1 << 20))
                    written += 1
        except OSError as error:
            print("stopped", written, error.strerror)
        """,
        Limits(disk_mb=32),
    )
    with box:
        assert result.ok, result.stderr
        assert result.stdout.startswith("stopped ")
        assert int(result.stdout.split()[1]) <= 32


def test_a_served_port_is_reached_and_no_other(tmp_path: Path) -> None:
    answered: list[bytes] = []

    def serve(listener: socket.socket) -> None:
        def loop() -> None:
            with listener:
                connection, _ = listener.accept()
                with connection:
                    answered.append(connection.recv(100))
                    connection.sendall(b"pong")

        threading.Thread(target=loop, daemon=True).start()

    box, result = _run(
        tmp_path,
        """
        import socket
        with socket.create_connection(("127.0.0.1", 40123), timeout=5) as connection:
            connection.sendall(b"ping")
            print(connection.recv(100).decode())
        try:
            socket.create_connection(("127.0.0.1", 40124), timeout=2)
        except OSError as error:
            print("other port:", error.strerror)
        """,
        serve={40123: serve},
    )
    with box:
        assert result.ok, result.stderr
        assert result.stdout.splitlines() == ["pong", "other port: Connection refused"]
        assert answered == [b"ping"]


def test_killing_the_supervisor_ends_only_the_run(tmp_path: Path) -> None:
    box, result = _run(tmp_path, "import os, signal\nos.kill(-1, signal.SIGKILL)\n")
    with box:
        assert not result.ok
        assert "stopped its sandbox's supervisor" in result.stderr


@pytest.mark.long
def test_the_event_channel_is_a_pipe_and_a_flood_is_cut(tmp_path: Path) -> None:
    box, result = _run(
        tmp_path,
        """
        import os
        # The grader keeps the events beside the run's folders; none of it is in the run's view.
        sandbox_root = os.path.dirname(os.path.dirname(os.getcwd()))
        seen = [
            name
            for top in (sandbox_root, "/tmp", "/run", "/dev")
            for _, _, names in os.walk(top)
            for name in names
            if name.endswith(".jsonl")
        ]
        print("event files:", seen)
        from loguru import logger
        logger.remove()
        for _ in range(400_000):
            logger.info("x" * 200)
        """,
        Limits(time_s=60),
    )
    with box:
        assert result.ok, result.stderr
        assert result.events_file.parent == result.workdir.parent  # the folder the run walked
        assert result.stdout.startswith("event files: []"), result.stdout
        size = result.events_file.stat().st_size
        assert 60 << 20 <= size <= (64 << 20) + 100
        assert result.events_file.read_text(errors="replace").rstrip().endswith('probe_truncated"}')
        assert read_trace(result.events_file).records  # what was kept still reads


def test_course_limits_become_the_runs_rlimits() -> None:
    text = (ROOT / "configs" / "course.toml").read_text()
    limits = load_course().exercises[0].limits
    assert f"processes = {limits.processes} " in text and f"disk_mb = {limits.disk_mb} " in text
    assert limits.rlimits() == {
        "RLIMIT_DATA": limits.memory_mb << 20,
        "RLIMIT_CORE": 0,
        "RLIMIT_NPROC": limits.processes,
        "RLIMIT_FSIZE": limits.disk_mb << 20,
    }


def test_a_temporary_folder_inside_the_virtualenv_is_not_used(tmp_path: Path, monkeypatch) -> None:
    # nox's session.create_tmp() points TMPDIR into the session's virtualenv, which the run
    # sees read-only: a sandbox root there would be hidden under that view.
    inside = Path(sys.prefix) / "tmp"
    inside.mkdir(exist_ok=True)
    monkeypatch.setattr(tempfile, "tempdir", str(inside))
    box, result = _run(tmp_path, "open('written.txt', 'w').write('ok')\n")
    with box:
        assert not box.root.is_relative_to(sys.prefix)
        assert result.ok, result.stderr
        assert (result.workdir / "written.txt").read_text() == "ok"


def test_a_sandbox_that_cannot_start_is_the_graders_error_not_the_students(tmp_path: Path) -> None:
    broken = Isolation("namespaces", bwrap="/bin/false", version="test")
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "script.py").write_text("print('never runs')\n")
    with Sandbox(folder, Limits(), broken) as box, pytest.raises(SandboxError, match="could not"):
        box.run("script.py")
