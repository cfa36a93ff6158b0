"""A YAML loader for untrusted article data: plain JSON-like values only.

``yaml.safe_load`` is safe from code execution but not from denial of
service or non-determinism, so article front matter is loaded with
:func:`load_plain`, which refuses at composition time, before anything is
built:

- aliases (``*name``): ``safe_load`` keeps them as shared references, and
  cleaning and validating the tree expands them; a 548-byte "billion laughs"
  took more than 300 s and 14 GB. An article never needs one;
- nesting deeper than :data:`MAX_DEPTH` (PyYAML composes recursively, so a
  10,000-deep ``[[[...]]]`` raised RecursionError);
- any tag that is not a JSON type, a boolean, null or a timestamp: ``!!set``
  (its order changes with the hash seed, so every output did), ``!!binary``,
  ``!!omap``, ``!python/...`` and local ``!tags``;
- integers longer than :data:`MAX_INT_DIGITS` digits (Python refuses to
  convert more than 4300 with a ValueError).

Timestamps stay allowed: editors write ``published: 2024-05-01T10:00:00+02:00``
unquoted, and the model reads the datetime it becomes.

Each refusal is an :class:`~exporter.errors.InputError` naming the field path
(``tags``, ``lead_image.credit``) and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from exporter.errors import InputError

#: deepest nesting of lists and mappings accepted (an article needs about 40)
MAX_DEPTH = 100
#: longest integer accepted, in digits
MAX_INT_DIGITS = 30

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp",
                                           "seq", "map"))


class _RefusedYaml(yaml.YAMLError):
    """Raised inside composition; :func:`load_plain` turns it into an InputError."""

    def __init__(self, message: str, field: str, node_line: int | None) -> None:
        super().__init__(message)
        self.message, self.field, self.line = message, field, node_line


class PlainLoader(yaml.SafeLoader):
    """SafeLoader that composes only plain, alias-free, bounded trees."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._path: list[str] = []
        self._fields: dict[int, str] = {}  # id(node) -> field path, for construction errors

    def _field(self) -> str:
        return "".join(self._path).lstrip(".") or "(root)"

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if parent is not None:  # name this node: a mapping key, or a list position
            if isinstance(index, ScalarNode):
                self._path.append(f".{index.value}")
            elif isinstance(index, int):
                self._path.append(f"[{index}]")
            else:
                self._path.append(".(key)")
        try:
            if self.check_event(AliasEvent):
                event = self.peek_event()
                raise _RefusedYaml(f"YAML aliases (*{event.anchor}) are not accepted; "
                                   "write the value out", self._field(), event.start_mark.line)
            if len(self._path) > MAX_DEPTH:
                top = self._path[0].lstrip(".")  # the whole path would be MAX_DEPTH long
                raise _RefusedYaml(f"nested deeper than {MAX_DEPTH} levels", top,
                                   self.peek_event().start_mark.line)
            node = super().compose_node(parent, index)
            if node is not None:
                self._check(node)
                self._fields[id(node)] = self._field()
            return node
        finally:
            if parent is not None:
                self._path.pop()

    def _check(self, node: Node) -> None:
        tag = node.tag
        if tag not in _PLAIN_TAGS:
            shown = "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
            raise _RefusedYaml(f"YAML tag {shown} is not accepted; use plain strings, numbers, "
                               "lists and mappings", self._field(), node.start_mark.line)
        if tag == _TAG + "int" and len(node.value.lstrip("+-").replace("_", "")) > MAX_INT_DIGITS:
            raise _RefusedYaml(f"integer longer than {MAX_INT_DIGITS} digits", self._field(),
                               node.start_mark.line)
        if isinstance(node, MappingNode | SequenceNode) and tag not in (_TAG + "seq", _TAG + "map"):
            raise _RefusedYaml("unexpected YAML collection type", self._field(),
                               node.start_mark.line)


    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        """A timestamp Python cannot hold (year 0, a +99:00 offset) is refused, named."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise _RefusedYaml(f"not a valid date or time: {node.value!r} ({exc})",
                               self._fields.get(id(node), "(unknown)"),
                               node.start_mark.line) from None


PlainLoader.add_constructor(_TAG + "timestamp", PlainLoader.construct_yaml_timestamp)


def load_plain(text: str, origin: str | Path | None, *, what: str = "front matter",
               first_line: int = 1) -> Any:
    """Load ``text`` as plain YAML data, or raise InputError naming the field and line.

    ``first_line`` is the file line where ``text`` starts (front matter
    starts on line 2), so the line in a message is the file's.
    """
    try:
        return yaml.load(text, Loader=PlainLoader)  # a SafeLoader subclass
    except _RefusedYaml as exc:
        line = f" (line {exc.line + first_line})" if exc.line is not None else ""
        raise InputError(f"{what}: {exc.message}{line}", source=origin, field=exc.field) from None
    except ValueError as exc:  # a constructor failing on a value composition let through
        raise InputError(f"{what}: invalid value: {exc}", source=origin) from None
    except RecursionError:  # belt and braces: the depth check fires long before this
        raise InputError(f"{what}: nested too deeply", source=origin) from None
