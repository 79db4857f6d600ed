"""YAML read as wandb reads it (PyYAML, YAML 1.1), keeping the line of every key."""

from __future__ import annotations

import re
from typing import Any

import yaml

Lines = dict[tuple, int]  # key path -> line (1-based) of the key or sequence item
Duplicates = list[tuple[tuple, int]]  # key paths that appear twice, with the second one's line

_NUMBER_RE = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


class _LineLoader(yaml.SafeLoader):
    """A safe loader that also records the line of every mapping key and sequence item, and
    notes duplicate keys (PyYAML, like wandb, silently keeps the last one)."""

    def locate(self, node: yaml.Node) -> tuple[Lines, Duplicates]:
        lines: Lines = {}
        duplicates: Duplicates = []
        seen: set[int] = set()  # aliases may make the node graph cyclic

        def walk(node: yaml.Node, path: tuple) -> None:
            if id(node) in seen:
                return
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                keys: set = set()
                for key_node, value_node in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    key = self._key(key_node)
                    line = key_node.start_mark.line + 1
                    if key in keys:
                        duplicates.append(((*path, key), line))
                    keys.add(key)
                    lines[(*path, key)] = line
                    walk(value_node, (*path, key))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    lines[(*path, index)] = item.start_mark.line + 1
                    walk(item, (*path, index))

        walk(node, ())
        return lines, duplicates

    def _key(self, node: yaml.Node) -> Any:
        try:
            key = self.construct_object(node, deep=True)
            hash(key)
            return key
        except Exception:  # an unhashable or odd key: fall back to its text
            return getattr(node, "value", repr(node))


def parse(text: str) -> tuple[Any, Lines, Duplicates]:
    """The document in ``text``, the line of each key path, and the keys given twice.

    Raises ``yaml.YAMLError`` when ``text`` is not YAML (see ``yaml_error``).
    """
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        lines, duplicates = loader.locate(node)
        return loader.construct_document(node), lines, duplicates
    finally:
        loader.dispose()


def yaml_error(error: yaml.YAMLError) -> tuple[str, int | None]:
    """What PyYAML found wrong, in words, and the line it points at."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    message = f"not valid YAML: {problem}" + (f" ({context})" if context else "")
    if "\\t" in problem or "'\\t'" in problem:
        message += "; YAML indents with spaces only, never tabs"
    return message, (mark.line + 1 if mark is not None else None)


def type_name(value: Any) -> str:
    """What kind of YAML value ``value`` is, in words: mapping, list, string, number..."""
    names = {dict: "mapping", list: "list", str: "string", bool: "true/false", type(None): "null"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def looks_numeric(text: str) -> bool:
    """Whether a string reads as a number, e.g. ``1e-4``, which YAML 1.1 takes for text."""
    return bool(_NUMBER_RE.match(text.strip()))


def float_text(text: str) -> str:
    """``1e-4`` as YAML reads it as a number: ``1.0e-4``."""
    mantissa, _, exponent = text.lower().partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}e{exponent}" if exponent else mantissa
