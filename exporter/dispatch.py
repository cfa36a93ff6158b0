"""Exhaustive dispatch on block and inline kinds: a new kind can never vanish silently.

Every place that does something per kind of body block (``paragraph``,
``heading``...) or inline (``str``, ``em``...) builds one :class:`RuleTable`
from a mapping kind -> handler. The table refuses to be built when a kind of
the model has no rule (so adding a block kind to the model breaks every
format that has not decided what to do with it, at import, in the tests),
and a node of a kind it does not know -- one built with ``model_construct``,
or by a plugin reader -- raises :class:`~exporter.errors.RenderError` instead
of being dropped::

    BLOCK_TEXT = RuleTable("pdf block text", BLOCK_KINDS, {
        "paragraph": lambda block: [inline_text(block.content)],
        "figure": lambda block: [],
        ...
    })
    texts = BLOCK_TEXT(block)            # the rule for block.type, called with block

Tables whose handlers take more arguments use :meth:`RuleTable.rule_for`
(``TABLE.rule_for(block)(self, block, index)``). Every table built is kept in
:func:`tables`, so a test can check them all against the model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from exporter.errors import RenderError

#: every ``type`` of a body block in :mod:`exporter.model` (``Block``)
BLOCK_KINDS: tuple[str, ...] = ("paragraph", "heading", "quote", "figure", "list")
#: every kind of inline part: ``str`` for plain text, else the node's ``type`` (``InlineNode``)
INLINE_KINDS: tuple[str, ...] = ("str", "em", "strong", "link", "break")

H = TypeVar("H", bound=Callable[..., Any])

_TABLES: list[RuleTable[Any]] = []


def kind_of(node: object) -> str:
    """The dispatch kind of a block or inline part: ``"str"`` for text, else its ``type``."""
    if isinstance(node, str):
        return "str"
    kind = getattr(node, "type", None)
    return kind if isinstance(kind, str) else type(node).__name__


def unknown_kind(where: str, node: object, known: tuple[str, ...] | None = None,
                 field: str | None = None) -> RenderError:
    """The error for a node no rule handles (for ``else:`` branches that cannot use a table)."""
    listed = f"; known: {', '.join(known)}" if known else ""
    return RenderError(f"{where}: no rule for {kind_of(node)!r}{listed}", field=field)


class RuleTable(Generic[H]):
    """Handlers by kind, complete for ``kinds`` (checked when built)."""

    def __init__(self, name: str, kinds: tuple[str, ...], rules: Mapping[str, H]) -> None:
        missing = [k for k in kinds if k not in rules]
        unknown = [k for k in rules if k not in kinds]
        if missing or unknown:
            problems = ([f"no rule for {', '.join(missing)}"] if missing else []) + (
                [f"rules for kinds that do not exist: {', '.join(unknown)}"] if unknown else [])
            raise TypeError(f"rule table {name!r}: {'; '.join(problems)}")
        #: what the table is for, named in errors ("docx inline")
        self.name = name
        #: the kinds it covers, in the model's order
        self.kinds = tuple(kinds)
        self._rules: dict[str, H] = dict(rules)
        _TABLES.append(self)

    def rule_for(self, node: object, field: str | None = None) -> H:
        """The handler for ``node``'s kind; :class:`RenderError` for a kind without a rule."""
        try:
            return self._rules[kind_of(node)]
        except KeyError:
            raise unknown_kind(self.name, node, self.kinds, field) from None

    def __call__(self, node: Any, *args: Any, **kwargs: Any) -> Any:
        """Call the rule for ``node`` with ``node`` and the other arguments."""
        return self.rule_for(node)(node, *args, **kwargs)

    def __repr__(self) -> str:
        return f"RuleTable({self.name!r}, {self.kinds!r})"


def tables() -> list[RuleTable[Any]]:
    """Every rule table built so far (import the modules that build them first)."""
    return list(_TABLES)


__all__ = ["BLOCK_KINDS", "INLINE_KINDS", "RuleTable", "kind_of", "tables", "unknown_kind"]
