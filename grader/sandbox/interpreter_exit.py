"""A warm run's exit: what a script can observe of Python's own, without unloading modules.

Python's exit tears down every module, which in a warm run means the torch, wandb and
matplotlib the template imported: about 0.4 s of every run, for nothing the script can see.
So once the probe has run the script, the warm run does the observable steps of
``Py_FinalizeEx`` in its order and then calls ``os._exit``:

1. join the non-daemon threads (``threading._shutdown``, which also runs what
   ``concurrent.futures`` registered there);
2. run the ``atexit`` callbacks (loguru, logging, wandb, multiprocessing and
   ``weakref.finalize`` register theirs there);
   the probe's callback, registered first, clears ``__main__``'s globals last, as teardown
   would);
3. collect the run's garbage, so that its ``__del__`` methods run and its files close;
4. flush every file still open (one that a module keeps is flushed at teardown, when it is
   freed), then stdout and stderr, exiting with 120 if stdout cannot be flushed.

What is left out is unloading modules: an object that only that would free is not finalized
(Python does not promise that ``__del__`` runs at exit, and in a cold run such a method often
fails anyway, for it runs after the builtins are gone).
"""

from __future__ import annotations

import gc
import io
import os
import sys
import traceback

_C_INT = 1 << 31


def status(code: object) -> int | None:
    """The exit status Python gives ``SystemExit(code)``, or None where it prints ``code``
    first or where the status would need a conversion (those leave by Python's own exit)."""
    if code is None:
        return 0
    if isinstance(code, int) and -_C_INT <= code < _C_INT:
        return code
    return None


def printed_status(code: object) -> int | None:
    """For ``SystemExit(code)`` whose ``code`` is no int: do what Python does before its
    teardown (``str(code)`` and a newline to ``sys.stderr``) and give its status, 1. None,
    with nothing written, where Python would need its own exit to say what failed: no
    ``sys.stderr``, a ``code`` that cannot be made a string, or an int that needs a conversion.
    Without this, a run ending with ``sys.exit("error: ...")`` (every tester run without a key)
    unloaded the template's modules: 0.4 CPU-s and some 270 MB of pages copied."""
    stream = sys.stderr
    if isinstance(code, int) or stream is None:
        return None
    try:
        text = str(code)
    except BaseException:
        return None
    for piece in (text, "\n"):
        try:
            stream.write(piece)
        except Exception:  # Python goes on to exit with 1 too
            pass
    return 1


def finish(code: int, signal_number: int | None = None) -> None:
    """Exit as Python would with ``code`` once the script has ended (or, for an uncaught
    KeyboardInterrupt, by ``signal_number`` after the same teardown)."""
    _steps()
    if not _flushed(sys.stdout, report=True):
        code = 120
    _flushed(sys.stderr, report=False)
    if signal_number is not None:
        import signal

        signal.signal(signal_number, signal.SIG_DFL)
        os.kill(os.getpid(), signal_number)
    os._exit(code & 0xFF)


def _steps() -> None:
    for step in (_join_threads, _run_atexit, gc.collect, _flush_open_files):
        try:
            step()
        except BaseException:  # Python reports what fails at exit and goes on
            _report_unraisable()


def _join_threads() -> None:
    threading = sys.modules.get("threading")
    if threading is not None:
        threading._shutdown()


def _run_atexit() -> None:
    import atexit

    atexit._run_exitfuncs()


def _flush_open_files() -> None:
    # The template's own files were frozen out of the collector (gc.freeze): only the run's.
    for thing in gc.get_objects():
        if isinstance(thing, io.IOBase) and thing not in (sys.stdout, sys.stderr):
            try:
                if not thing.closed:
                    thing.flush()
            except Exception:  # a pipe whose reader went, a file closed under it
                pass


def _flushed(stream: object, *, report: bool) -> bool:
    if stream is None or getattr(stream, "closed", False):
        return True
    try:
        stream.flush()
    except Exception:
        if report:
            _report_unraisable()
        return False
    return True


def _report_unraisable() -> None:
    try:
        os.write(2, ("Exception ignored at exit:\n" + traceback.format_exc()).encode())
    except OSError:
        pass
