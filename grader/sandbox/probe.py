"""Bootstrap that runs *inside* the student's process and reports what loguru really did.

Usage (by the sandbox only): python probe.py fd:N SCRIPT [ARG ...]

Events go to the inherited descriptor N, a pipe whose other end is the grader's: nothing of it
is a file the student's code can find. (``python probe.py FILE ...`` appends to FILE instead.)

The student's script runs as ``__main__`` exactly as ``python SCRIPT ARG ...`` would run it.
Before it starts, this file:

* wraps ``sys.stdout``/``sys.stderr`` so every terminal write made while a loguru sink is
  writing is attributed to the loguru record being written;
* waits for the student (or a library) to import loguru, then adds a capture handler that
  sees every record and that a student's ``logger.remove()`` cannot take away, and wraps
  loguru's sinks so that file writes and rotations are reported;
* reports records sent through the standard ``logging`` module, so hints can say so;
* counts the calls of ``my_project.summary.expensive_summary`` (the audit event it raises).

The capture handler sees every level, but loguru must not do more work because of it: a call
below every sink of the student's own is recorded without evaluating its lazy arguments
(``logger.opt(lazy=True)``) or formatting its arguments, exactly as loguru alone would skip them.

Events are JSON lines written with ``os.write`` so that they survive ``os._exit`` and crashes.
Only the standard library is imported here: the student decides when loguru is imported, which
matters for ``LOGURU_LEVEL`` set inside the script.
"""

from __future__ import annotations

import atexit
import builtins
import importlib.abc
import importlib.machinery
import json
import os
import sys
import threading
import traceback

_MAX_TEXT = 4000  # characters kept per event text
_MAX_PLAIN_BYTES = 64_000  # unattributed terminal text kept for diagnosis
_state = threading.local()
_fd = -1
_plain_kept = 0
_root = ""  # the folder of the student's script


def _emit(event: dict) -> None:
    try:
        os.write(_fd, (json.dumps(event, default=str) + "\n").encode("utf-8", "replace"))
    except OSError:
        pass


def _current_key():
    return getattr(_state, "key", None)


def _record_key(record) -> list:
    return [record["time"].isoformat(), record["level"].no, record["message"]]


class _Tee:
    """A text stream that forwards to the real one and reports loguru's share of the text."""

    def __init__(self, stream, name: str) -> None:
        self._stream = stream
        self._name = name

    def write(self, text):
        global _plain_kept
        written = self._stream.write(text)
        key = _current_key()
        if key is not None:
            _emit({"kind": "terminal", "stream": self._name, "key": key, "text": text[:_MAX_TEXT]})
        elif text and _plain_kept < _MAX_PLAIN_BYTES:
            _plain_kept += len(text)
            _emit({"kind": "plain", "stream": self._name, "text": text[:_MAX_TEXT]})
        return written

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def __iter__(self):
        return iter(self._stream)


def _attributing(write):
    """Wrap a loguru sink's write so terminal text it produces is tied to its record."""

    def wrapper(self, message):
        record = getattr(message, "record", None)
        previous = _current_key()
        _state.key = _record_key(record) if record is not None else None
        try:
            return write(self, message)
        finally:
            _state.key = previous

    return wrapper


def _patch_file_sink(file_sink_class) -> None:
    original_init = file_sink_class.__init__
    original_write = file_sink_class.write
    original_terminate = file_sink_class._terminate_file

    def init(self, path, **kwargs):
        # Where relative paths were resolved from, and when, matters for Hydra: report both.
        _emit(
            {
                "kind": "file_sink",
                "path": os.path.abspath(str(path)),
                "cwd": os.getcwd(),
                "added_in": _student_function(),
            }
        )
        return original_init(self, path, **kwargs)

    def terminate(self, *, is_rotating=False):
        if is_rotating:
            self._grader_rotated = True
        return original_terminate(self, is_rotating=is_rotating)

    def write(self, message):
        record = getattr(message, "record", None)
        size_before = None
        if self._file is not None:
            try:
                size_before = os.fstat(self._file.fileno()).st_size
            except (OSError, ValueError):
                size_before = None
        self._grader_rotated = False
        result = original_write(self, message)
        if size_before is None and self._file_path:
            size_before = _size_before_first_write(self._file_path, len(message))
        _emit(
            {
                "kind": "file",
                "key": _record_key(record) if record is not None else None,
                "path": self._file_path,
                "size_before": size_before,
                "length": len(message),
                "rotated": self._grader_rotated,
                "text": str(message)[:_MAX_TEXT],
            }
        )
        return result

    file_sink_class.__init__ = init
    file_sink_class._terminate_file = terminate
    file_sink_class.write = write


def _student_function():
    """Name of the innermost function of the student's script on the stack (None if none)."""
    frame = sys._getframe(2)
    while frame is not None:
        if os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == _root:
            return frame.f_code.co_name
        frame = frame.f_back
    return None


def _size_before_first_write(path: str, length: int):
    try:
        return max(os.path.getsize(path) - length, 0)
    except OSError:
        return None


def _exception_of(record):
    """The exception a record carries (``logger.catch``, ``logger.exception``), or None."""
    exception = record["exception"]
    if exception is None or exception.type is None:
        return None
    try:
        value = str(exception.value)
    except Exception:  # a broken __str__ is the student's, not a reason to lose the record
        value = "<unprintable>"
    return {"type": exception.type.__name__, "value": value[:_MAX_TEXT]}


def _capture(message) -> None:
    record = message.record
    _emit(
        {
            "kind": "record",
            "key": _record_key(record),
            "level": record["level"].name,
            "no": record["level"].no,
            "message": record["message"][:_MAX_TEXT],
            "file": record["file"].path,
            "function": record["function"],
            "line": record["line"],
            "exception": _exception_of(record),
        }
    )


_CAPTURE_ID = -1  # outside the ids loguru hands out, so students' handler ids do not shift


def _install_capture(logger) -> None:
    core = logger._core
    if _CAPTURE_ID in core.handlers:
        return
    count = core.handlers_count
    handler_id = logger.add(_capture, level=0, format="{message}", catch=True)
    with core.lock:
        handlers = core.handlers.copy()
        handlers[_CAPTURE_ID] = handlers.pop(handler_id)
        core.handlers = handlers
        core.handlers_count = count


_SIMPLE = (str, int, float, complex, bool, type(None))  # formatting these has no side effect
_LOG_PARAMETERS = ["self", "level", "from_decorator", "options", "message", "args", "kwargs"]


def _below_every_sink(core, level) -> bool:
    """Would loguru, without the capture handler, drop a message at ``level`` unseen?"""
    try:
        level_no = core.levels_lookup[level][2]
    except (KeyError, TypeError, IndexError):  # a level loguru has yet to look up or reject
        return False
    own = [h.levelno for i, h in core.handlers.items() if i != _CAPTURE_ID]
    return level_no < min(own, default=float("inf"))


def _patch_log(logger_class, logger) -> None:
    """Keep loguru's own economy: a message below every student sink is still recorded (the
    capture handler sees it) but, as without the probe, its lazy arguments are not called and
    its arguments are not formatted."""
    import inspect

    original = logger_class._log
    if list(inspect.signature(original).parameters) != _LOG_PARAMETERS or len(logger._options) != 9:
        raise RuntimeError(f"unsupported loguru: Logger._log{inspect.signature(original)}")

    def _log(self, level, from_decorator, options, message, args, kwargs):
        exception, depth, record, lazy, colors, *rest = options
        depth += 1  # this wrapper is one more frame between the caller and loguru
        try:
            below = _below_every_sink(self._core, level)
        except Exception:
            below = False
        if below:
            values = [*args, *kwargs.values()]
            if lazy or not all(type(value) in _SIMPLE for value in values):
                args, kwargs = (), {}
            if not isinstance(message, _SIMPLE):
                message, args, kwargs = f"<{type(message).__name__} object>", (), {}
            elif args or kwargs:
                try:
                    message, args, kwargs = str(message).format(*args, **kwargs), (), {}
                except Exception:
                    args, kwargs = (), {}
            record = lazy = colors = False
        options = (exception, depth, record, lazy, colors, *rest)
        return original(self, level, from_decorator, options, message, args, kwargs)

    logger_class._log = _log


def _on_loguru_imported(module) -> None:
    from loguru import _file_sink, _logger, _simple_sinks

    _patch_log(_logger.Logger, module.logger)

    for sink_class in (
        _simple_sinks.StreamSink,
        _simple_sinks.StandardSink,
        _simple_sinks.CallableSink,
    ):
        sink_class.write = _attributing(sink_class.write)
    _patch_file_sink(_file_sink.FileSink)

    original_remove = _logger.Logger.remove

    def remove(self, handler_id=None):
        result = original_remove(self, handler_id)
        _install_capture(module.logger)
        return result

    _logger.Logger.remove = remove
    _install_capture(module.logger)


class _LoguruWatcher(importlib.abc.MetaPathFinder):
    """Runs the loguru patches right after ``import loguru`` finishes, whoever imports it."""

    def find_spec(self, name, path=None, target=None):
        if name != "loguru":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            try:
                _on_loguru_imported(module)
            except Exception as error:  # an unsupported loguru must not break the student
                _emit({"kind": "probe_error", "text": repr(error)})

        spec.loader.exec_module = exec_and_patch
        return spec


def _watch_stdlib_logging() -> None:
    import logging

    original = logging.Logger.callHandlers

    def call_handlers(self, record):
        if not getattr(_state, "in_stdlib", False):
            _state.in_stdlib = True
            try:
                _emit(
                    {
                        "kind": "stdlib",
                        "level": record.levelname,
                        "no": record.levelno,
                        "logger": record.name,
                        "message": record.getMessage()[:_MAX_TEXT],
                    }
                )
            except Exception:
                pass
            finally:
                _state.in_stdlib = False
        return original(self, record)

    logging.Logger.callHandlers = call_handlers


def _watch_python_warnings() -> None:
    import warnings

    original = warnings.showwarning

    def showwarning(message, category, filename, lineno, file=None, line=None):
        _emit({"kind": "pywarning", "category": category.__name__, "message": str(message)})
        return original(message, category, filename, lineno, file, line)

    warnings.showwarning = showwarning


SUMMARY_EVENT = "my_project.expensive_summary"  # raised by my_project/summary.py per call


def _on_audit(event: str, args: tuple) -> None:
    """Count the calls of the course's ``expensive_summary``. An audit hook cannot be removed
    (PEP 578), so nothing the script does to loguru, sys.settrace or sys.meta_path silences it;
    only an event raised from the course's function itself counts."""
    if event != SUMMARY_EVENT:
        return
    try:
        code = sys._getframe(1).f_code
        genuine = (
            code.co_name == "expensive_summary"
            and os.path.basename(os.path.dirname(code.co_filename)) == "my_project"
            and not os.path.abspath(code.co_filename).startswith(_root + os.sep)
        )
        if genuine:
            result = args[0] if args else None
            text = None if result is None else str(result)[:_MAX_TEXT]
            _emit({"kind": "summary_call", "result": text})
    except Exception:
        pass


def _watch_prompts() -> None:
    """Report attempts to ask for input: a container has no terminal to answer them."""
    import builtins
    import getpass

    def reporting(function, name):
        def wrapper(*args, **kwargs):
            prompt = str(args[0]) if args else ""
            _emit({"kind": "prompt", "function": name, "prompt": prompt[:200]})
            return function(*args, **kwargs)

        return wrapper

    builtins.input = reporting(builtins.input, "input")
    getpass.getpass = reporting(getpass.getpass, "getpass")


def _student_traceback(error: BaseException, root: str) -> str:
    """The traceback limited to frames in the student's folder, paths made relative."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.startswith("<")
        and os.path.abspath(frame.filename).startswith(root + os.sep)
    ]
    lines = ["Traceback (most recent call last):\n"]
    for frame in frames:
        name = os.path.relpath(frame.filename, root)
        lines.append(f'  File "{name}", line {frame.lineno}, in {frame.name}\n')
        if frame.line:
            lines.append(f"    {frame.line}\n")
    lines.extend(traceback.format_exception_only(type(error), error))
    return "".join(lines)


def run_as_main(path: str, *, clear_at_exit: bool = True) -> None:
    """Run the file at ``path`` as ``python PATH`` does: in a module that becomes ``__main__``
    and stays so, whose globals are cleared at exit (see ``_clear_at_exit``)."""
    main = type(sys)("__main__")
    loader = importlib.machinery.SourceFileLoader("__main__", path)
    main.__dict__.update(__file__=path, __cached__=None, __loader__=loader, __builtins__=builtins)
    with open(path, "rb") as handle:  # bytes: compile reads the coding line, as Python does
        code = compile(handle.read(), path, "exec")
    sys.modules["__main__"] = main
    if clear_at_exit:
        atexit.register(_clear_at_exit, main.__dict__)  # registered first, so it runs last
    exec(code, main.__dict__)


def _clear_at_exit(names: dict) -> None:
    """What Python's teardown does to ``__main__`` after atexit: names to None, ``_x`` ones
    first. The script's objects then go in order, so a file it never closed is flushed before
    its buffer goes (left to the garbage collector, a file's parts may go in any order)."""
    for first in (True, False):
        for name in list(names):
            if name != "__builtins__" and (not first or name[:1] == "_" != name[1:2]):
                names[name] = None


def main() -> None:
    global _fd, _root
    events, script, *args = sys.argv[1:]
    if events.startswith("fd:"):
        _fd = int(events[3:])
        os.set_inheritable(_fd, False)  # the script's own children do not get the channel
    else:
        _fd = os.open(events, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    script = os.path.abspath(script)
    root = _root = os.path.dirname(script)

    sys.stdout = sys.__stdout__ = _Tee(sys.__stdout__, "stdout")
    sys.stderr = sys.__stderr__ = _Tee(sys.__stderr__, "stderr")
    sys.meta_path.insert(0, _LoguruWatcher())
    _watch_stdlib_logging()
    _watch_python_warnings()
    _watch_prompts()
    sys.addaudithook(_on_audit)
    if "loguru" in sys.modules:  # only if something imported it at start-up (a .pth file)
        _on_loguru_imported(sys.modules["loguru"])

    sys.argv = [script, *args]
    sys.path[0] = root
    _emit({"kind": "start"})
    try:
        run_as_main(script)
    except SystemExit as exit_:
        code = exit_.code
        _emit({"kind": "exit", "code": 0 if code is None else code if isinstance(code, int) else 1})
        raise
    except BaseException as error:
        text = _student_traceback(error, root)
        _emit({"kind": "exception", "type": type(error).__name__, "text": text})
        real_stderr = sys.__stderr__._stream  # past the tee: this is not the student's output
        real_stderr.write(text)
        real_stderr.flush()
        # sys.exit, not `raise SystemExit`: libraries that wrap it (wandb) then record the
        # failure, as they would have for the uncaught exception.
        sys.exit(1)
    _emit({"kind": "end"})


if __name__ == "__main__":
    main()
