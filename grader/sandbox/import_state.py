"""What a forked process shares with its parent's imports, and how it makes its own.

Both forking servers use it: the warm template for each run (``template.py``, which loads this
file by path inside its sandbox: standard library only) and the preforked grader for each
grading (``grader/preforked.py``). A fresh interpreter would have made these itself.
"""

from __future__ import annotations

import os
import sys
import tempfile
import weakref


def module_values() -> list[tuple[str, object]]:
    """Every value the imported modules keep, in their namespaces or in the classes they
    define, by dotted name (``wandb.sdk.artifacts.artifact.Artifact._TMP_DIR``)."""
    values: list[tuple[str, object]] = []
    for module_name, module in list(sys.modules.items()):
        if module is None or module_name == "__main__":
            continue
        try:
            namespace = vars(module)
        except TypeError:
            continue
        values += [(f"{module_name}.{k}", v) for k, v in list(namespace.items())]
        values += [
            (f"{module_name}.{k}.{attribute}", inner)
            for k, v in list(namespace.items())
            if isinstance(v, type) and v.__module__ == module_name
            for attribute, inner in list(vars(v).items())
        ]
    return values


def temporary_folders(
    values: list[tuple[str, object]] | None = None, below: str = ""
) -> list[tempfile.TemporaryDirectory]:
    """The TemporaryDirectory objects among ``values`` (by default ``module_values()``: wandb
    keeps two), whose folders lie below ``below``."""
    found: list[tempfile.TemporaryDirectory] = []
    for _, value in module_values() if values is None else values:
        if isinstance(value, tempfile.TemporaryDirectory) and value not in found:
            found.append(value)
    return [folder for folder in found if folder.name.startswith(below)]


def keep_finalizers() -> None:
    """The ``weakref.finalize`` callbacks registered so far are not run at this process's
    exit: they undo the parent's state (torch.library's kernel registrations, tempfile's
    removal of the parent's folders), which the child's end discards anyway. Those made
    afterwards, the child's own, still run."""
    for finalizer in list(weakref.finalize._registry):
        finalizer.atexit = False


def renew_folders(folders: list[tempfile.TemporaryDirectory], kept: list) -> None:
    """Give each of ``folders`` (the same objects: modules imported them by name) a folder of
    its own in this process's temporary folder, with the same suffix. The new
    TemporaryDirectory, held in ``kept``, removes it at exit as the original would have."""
    for folder in folders:
        name = os.path.basename(folder.name)
        fresh = tempfile.TemporaryDirectory(suffix=name[11:] if len(name) > 11 else None)
        kept.append(fresh)
        folder.name = fresh.name
