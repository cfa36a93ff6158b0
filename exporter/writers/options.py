"""Declared writer options: what ``-O key=value`` may set, typed and checked before rendering.

A writer lists its format-specific settings as :class:`Option` declarations
(the way Sphinx's ``add_config_value`` or Python-Markdown's
``Extension.config`` declare theirs)::

    class PdfWriter(Writer):
        options = (
            Option("columns", int, 2, "body text columns", choices=(1, 2)),
        )

and reads typed values with ``self.settings(options)["columns"]`` -- never
the raw strings of ``WriteOptions.extra``. The caller checks ``extra``
against the writers of a run with :func:`check_extra` before anything is
rendered: an unknown key or a bad value is a :class:`UsageError` naming the
format, the option and what is allowed. A key may be scoped to one format
(``pdf.columns=1``); unscoped, it goes to every writer of the run that
declares it, and must be declared by at least one. A writer class that
never sets ``options`` (a plugin older than them) reads ``extra`` itself and
is passed every key unchecked; ``options = ()`` declares that it takes none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from exporter.errors import UsageError

#: a :class:`~exporter.writers.Writer` subclass or instance (not imported here:
#: ``exporter.writers`` imports this module, and imports only go one way)
AnyWriter = Any

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_TYPE_NAMES = {str: "text", int: "integer", float: "number", bool: "yes/no"}
_TYPE_PHRASES = {str: "text", int: "an integer", float: "a number", bool: "yes or no"}


@dataclass(frozen=True)
class Option:
    """One setting a writer understands."""

    #: the key after ``-O`` (``columns``)
    name: str
    #: ``str``, ``int``, ``float`` or ``bool``; strings from the command line are converted
    type: type
    #: the value when the option is not given (None: the writer decides, see ``help``)
    default: Any
    #: one line for ``exporter formats --options``
    help: str
    #: the only values allowed, if the set is closed
    choices: tuple[Any, ...] | None = None
    #: extra check of a converted value: returns what is wrong, or None
    validator: Callable[[Any], str | None] | None = None

    @property
    def type_name(self) -> str:
        return _TYPE_NAMES.get(self.type, self.type.__name__)

    def coerce(self, raw: object, fmt: str) -> Any:
        """``raw`` (a string from ``-O``, or a value from a script) as a checked value."""
        value = self._convert(raw)
        if value is None:
            phrase = _TYPE_PHRASES.get(self.type, f"a {self.type_name}")
            raise UsageError(f"{fmt}: option {self.name!r}: {raw!r} is not {phrase}"
                             + self._allowed())
        if self.choices is not None:
            match = [c for c in self.choices
                     if c == value or (isinstance(c, str) and isinstance(value, str)
                                       and c.lower() == value.lower())]
            if not match:
                raise UsageError(f"{fmt}: option {self.name!r}: {raw!r} is not allowed"
                                 + self._allowed())
            value = match[0]
        problem = self.validator(value) if self.validator is not None else None
        if problem:
            raise UsageError(f"{fmt}: option {self.name!r}: {raw!r} {problem}")
        return value

    def _convert(self, raw: object) -> Any:
        if self.type is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            return True if text in _TRUE else False if text in _FALSE else None
        if isinstance(raw, self.type) and not isinstance(raw, bool):
            return raw
        if not isinstance(raw, str):
            return None
        try:
            return self.type(raw.strip()) if self.type in (int, float) else self.type(raw)
        except (TypeError, ValueError):
            return None

    def _allowed(self) -> str:
        if self.choices is not None:
            return f"; allowed: {', '.join(str(c) for c in self.choices)}"
        if self.type is bool:
            return "; allowed: yes, no (true, false, 1, 0)"
        return ""

    def describe(self) -> dict[str, Any]:
        """The declaration as JSON-ready data (``exporter formats --json``)."""
        return {"name": self.name, "type": self.type_name, "default": self.default,
                "help": self.help,
                "choices": list(self.choices) if self.choices is not None else None}


def declared(writer: AnyWriter) -> tuple[Option, ...]:
    """The options a writer class declares (none for a plugin that declares nothing)."""
    cls_ = writer if isinstance(writer, type) else type(writer)  # an instance may shadow it
    found = getattr(cls_, "options", ())
    return tuple(o for o in found if isinstance(o, Option)) if isinstance(found, tuple) else ()


def declares_options(writer: AnyWriter) -> bool:
    """Whether the writer says which options it takes (``options = ()`` says: none).

    A writer class that never sets ``options`` (a plugin written before they
    existed) reads ``extra`` itself: every key is passed to it unchecked.
    """
    cls_ = writer if isinstance(writer, type) else type(writer)
    owner = next((c for c in cls_.__mro__ if "options" in vars(c)), None)
    return owner is not None and (owner.__module__, owner.__qualname__) != (
        "exporter.writers", "Writer")


def _split(key: str) -> tuple[str | None, str]:
    """``"pdf.columns"`` -> ``("pdf", "columns")``; ``"columns"`` -> ``(None, "columns")``."""
    fmt, dot, name = key.partition(".")
    return (fmt.strip().lower(), name.strip()) if dot else (None, key.strip())


def resolve(writer: AnyWriter, extra: Mapping[str, Any]) -> dict[str, Any]:
    """The typed settings of one writer: every declared option, given or default.

    Keys the writer does not declare are left alone (they belong to other
    writers of the run; :func:`check_extra` refuses the ones nobody declares).
    Raises :class:`UsageError` for a bad value of a declared option.
    """
    fmt = writer.name
    values: dict[str, Any] = {}
    scoped: dict[str, Any] = {}
    for key, raw in extra.items():
        scope, name = _split(key)
        if scope is None:
            values[name] = raw
        elif scope == fmt:
            scoped[name] = raw
    values.update(scoped)  # ``pdf.columns`` wins over ``columns``
    return {o.name: o.coerce(values[o.name], fmt) if o.name in values else o.default
            for o in declared(writer)}


def check_extra(extra: Mapping[str, Any], writers: Iterable[AnyWriter]) -> None:
    """Refuse keys no writer of the run declares, and bad values, before anything renders.

    Messages name the format and its known options, e.g.
    ``pdf: unknown option 'colums'; known options: columns, paper``.
    """
    run = {w.name: w for w in writers}
    for key in extra:
        scope, name = _split(key)
        if scope is not None and scope not in run:
            raise UsageError(f"option {key!r} is for format {scope!r}, which is not being "
                             f"written (formats: {', '.join(run) or '(none)'})")
        targets = [run[scope]] if scope is not None else list(run.values())
        if not any(not declares_options(w) or name in {o.name for o in declared(w)}
                   for w in targets):
            raise UsageError(_unknown(key, targets))
    for w in run.values():
        resolve(w, extra)


def _unknown(key: str, writers: list[AnyWriter]) -> str:
    def known(w: AnyWriter) -> str:
        names = sorted(o.name for o in declared(w))
        return ", ".join(names) if names else "(none)"

    if len(writers) == 1:
        return f"{writers[0].name}: unknown option {key!r}; known options: {known(writers[0])}"
    listed = "; ".join(f"{w.name}: {known(w)}" for w in writers)
    return (f"unknown option {key!r} for {', '.join(w.name for w in writers)}; "
            f"known options: {listed}")


__all__ = ["Option", "check_extra", "declared", "declares_options", "resolve"]
