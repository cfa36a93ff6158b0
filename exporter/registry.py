"""One registry of readers and writers, filled from entry points.

Built-in formats are declared in exporter's own ``pyproject.toml`` under the
same entry-point groups that third-party plugins use, so there is one path
for both::

    [project.entry-points."exporter.writers"]     # output formats (-f NAME)
    plaintext = "exporter_plaintext:PlaintextWriter"

    [project.entry-points."exporter.readers"]     # input formats (by suffix / --from)
    ninjs = "mypkg.readers:NinjsReader"

Rules (documented for plugin authors in ``docs/plugins.md``):

- **No silent replacement.** A plugin entry point whose name is already taken
  by a built-in is ignored and reported (``exporter formats`` prints it, and
  every run logs one warning). To replace a built-in on purpose, name the
  entry point ``NAME!override`` (e.g. ``"pdf!override" = "mypkg:MyPdf"``).
- **No guessing between plugins.** Two plugins claiming the same new name, or
  two explicit overrides of the same name, make that name unavailable with a
  reason naming both distributions, until one is uninstalled (or one of the
  plain ones becomes an explicit override).
- **Broken plugins stay contained.** A plugin that fails to import, or whose
  object is not a :class:`~exporter.writers.Writer` / :class:`~exporter.readers.Reader`
  subclass with a matching ``name``, is reported by name (``exporter formats``
  shows it as unavailable with the reason; using it raises
  :class:`~exporter.errors.UnavailableError`); every other format works.
- **Unknown names** raise :class:`~exporter.errors.UnknownNameError` listing
  the known ones (the CLI exits with status 2).

Entry points are only *loaded* (their modules imported) when a name is looked
up or listed, never at import of this module.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from exporter.errors import UnavailableError, UnknownNameError
from exporter.readers import Reader
from exporter.writers import Writer

log = logging.getLogger("exporter")

READER_GROUP = "exporter.readers"
WRITER_GROUP = "exporter.writers"
#: suffix of an entry-point name that replaces an existing format on purpose
OVERRIDE_MARK = "!override"
#: the distribution whose entry points are the built-in formats
BUILTIN_DISTRIBUTION = "exporter"

# Used only when exporter runs from a source tree that was never installed
# (no entry-point metadata at all); an installed exporter always uses its
# entry points.
_BUILTIN_FALLBACK = {
    READER_GROUP: {
        "json": "exporter.readers.json:JsonReader",
        "markdown": "exporter.readers.markdown:MarkdownReader",
        "text": "exporter.readers.text:TextReader",
        "html": "exporter.readers.html:HtmlReader",
        "ninjs": "exporter.readers.ninjs:NinjsReader",
    },
    WRITER_GROUP: {
        "html": "exporter.writers.html:HtmlWriter",
        "pdf": "exporter.writers.pdf:PdfWriter",
        "docx": "exporter.writers.docx:DocxWriter",
        "epub": "exporter.writers.epub:EpubWriter",
        "rss": "exporter.writers.rss:RssWriter",
        "ninjs": "exporter.writers.ninjs:NinjsWriter",
    },
}

_BASES: dict[str, type] = {READER_GROUP: Reader, WRITER_GROUP: Writer}
_KINDS = {READER_GROUP: "input format", WRITER_GROUP: "format"}


@dataclass
class _Slot:
    """One registered name: its entry point, then (once loaded) its class or load error."""

    name: str
    entry: EntryPoint
    builtin: bool
    #: registered through ``NAME!override``
    override: bool = False
    #: the entry point it replaced on purpose (``module:Class``), if any
    replaces: str | None = None
    loaded: type | None = None
    error: str | None = None

    @property
    def distribution(self) -> str | None:
        """The name of the installed distribution that declared this entry point."""
        dist = getattr(self.entry, "dist", None)
        return dist.name if dist is not None else None


@dataclass
class Registry:
    """Readers and writers by name.

    Use :func:`get_registry` for the process-wide one. ``readers`` and
    ``writers`` map names to slots; :meth:`writer_class`, :meth:`reader_class`
    and :meth:`writer` are the lookups.
    """

    readers: dict[str, _Slot] = field(default_factory=dict)
    writers: dict[str, _Slot] = field(default_factory=dict)
    #: problems found while registering (refused duplicates, ambiguous names)
    problems: list[str] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _instances: dict[str, Writer] = field(default_factory=dict, repr=False)

    # -- filling -----------------------------------------------------------------

    @classmethod
    def from_entry_points(cls) -> Registry:
        """Build the registry from the installed entry points (plugins included)."""
        reg = cls()
        for group, table in ((READER_GROUP, reg.readers), (WRITER_GROUP, reg.writers)):
            eps = list(entry_points(group=group))
            if not any(_is_builtin(ep) for ep in eps):
                eps += [EntryPoint(name, value, group)
                        for name, value in _BUILTIN_FALLBACK[group].items()]
            reg._fill(table, group, eps)
        for problem in reg.problems:
            log.warning("plugin problem: %s", problem)
        return reg

    def _fill(self, table: dict[str, _Slot], group: str, eps: list[EntryPoint]) -> None:
        by_name: dict[str, list[EntryPoint]] = {}
        for ep in eps:
            name = ep.name.removesuffix(OVERRIDE_MARK).strip()
            candidates = by_name.setdefault(name, [])
            # The same declaration seen twice (a distribution on sys.path twice) is one.
            if not any(c.name == ep.name and c.value == ep.value for c in candidates):
                candidates.append(ep)
        for name in sorted(by_name):
            slot = self._choose(group, name, by_name[name])
            if slot is not None:
                table[name] = slot

    def _choose(self, group: str, name: str, candidates: list[EntryPoint]) -> _Slot | None:
        kind = _KINDS[group]
        builtins = [ep for ep in candidates if _is_builtin(ep)]
        plugins = sorted((ep for ep in candidates if not _is_builtin(ep)),
                         key=lambda ep: (_dist_name(ep) or "", ep.value))
        overrides = [ep for ep in plugins if ep.name.endswith(OVERRIDE_MARK)]
        plain = [ep for ep in plugins if not ep.name.endswith(OVERRIDE_MARK)]
        base = builtins[0] if builtins else None

        if len(overrides) > 1:
            reason = (f"{len(overrides)} plugins replace {kind} {name!r}: "
                      f"{_describe_all(overrides)}; uninstall all but one")
            self.problems.append(f"{group} {name!r}: {reason}")
            chosen = overrides[0]
            return _Slot(name, chosen, False, override=True, error=reason)

        if overrides:
            winner = overrides[0]
            replaced = base or (plain[0] if plain else None)
            for ep in plain:
                if ep is not replaced:
                    self._refused(group, name, ep, winner)
            return _Slot(name, winner, False, override=True,
                         replaces=replaced.value if replaced is not None else None)

        if base is not None:
            for ep in plain:
                self._refused(group, name, ep, base)
            return _Slot(name, base, True)

        if len(plain) > 1:
            reason = (f"{len(plain)} plugins declare {kind} {name!r}: {_describe_all(plain)}; "
                      f"uninstall one, or name one entry point '{name}{OVERRIDE_MARK}' "
                      "to make it win on purpose")
            self.problems.append(f"{group} {name!r}: {reason}")
            return _Slot(name, plain[0], False, error=reason)
        return _Slot(name, plain[0], False) if plain else None

    def _refused(self, group: str, name: str, ep: EntryPoint, holder: EntryPoint) -> None:
        owner = "the built-in" if _is_builtin(holder) else "the plugin"
        self.problems.append(
            f"{group} {name!r} from {_describe(ep)} ignored: the name belongs to {owner} "
            f"{holder.value} (a plugin may not replace a format silently; name the entry "
            f"point '{name}{OVERRIDE_MARK}' to replace it on purpose)")

    def add_writer(self, cls_: type[Writer], *, override: bool = False) -> None:
        """Register a writer class directly (for scripts and tests), under ``cls_.name``.

        Raises ``ValueError`` if the name is taken and ``override`` is false,
        ``TypeError`` if ``cls_`` is not a valid writer class.
        """
        self._add_class(self.writers, WRITER_GROUP, cls_, override)

    def add_reader(self, cls_: type[Reader], *, override: bool = False) -> None:
        """Register a reader class directly (for scripts and tests), under ``cls_.name``."""
        self._add_class(self.readers, READER_GROUP, cls_, override)

    def _add_class(self, table: dict[str, _Slot], group: str, cls_: type, override: bool) -> None:
        name = getattr(cls_, "name", "")
        problem = _check_class(group, name, cls_)
        if problem:
            raise TypeError(problem)
        with self._lock:
            existing = table.get(name)
            if existing is not None and not override:
                raise ValueError(f"{group} {name!r} is already registered "
                                 f"({existing.entry.value}); pass override=True to replace it")
            ep = EntryPoint(name, f"{cls_.__module__}:{cls_.__qualname__}", group)
            table[name] = _Slot(name, ep, False, override=existing is not None, loaded=cls_,
                                replaces=existing.entry.value if existing is not None else None)
            if group == WRITER_GROUP:
                self._instances.pop(name, None)

    # -- looking up ----------------------------------------------------------------

    def _load(self, slot: _Slot) -> type | None:
        """Import the slot's entry point once; a failure is remembered as the slot's error."""
        with self._lock:
            if slot.loaded is None and slot.error is None:
                try:
                    obj = slot.entry.load()
                except (Exception, SystemExit) as exc:  # a broken plugin must not break others
                    where = ("" if slot.builtin or not slot.distribution
                             else f" (distribution {slot.distribution})")
                    slot.error = (f"failed to import {slot.entry.value}{where}: "
                                  f"{type(exc).__name__}: {exc}")
                    log.warning("%s %r is unavailable: %s", _KINDS[slot.entry.group],
                                slot.name, slot.error)
                    return None
                problem = _check_class(slot.entry.group, slot.name, obj)
                if problem:
                    slot.error = f"{slot.entry.value}: {problem}"
                    log.warning("%s %r is unavailable: %s", _KINDS[slot.entry.group],
                                slot.name, slot.error)
                    return None
                slot.loaded = obj
            return slot.loaded

    def _usable(self, table: dict[str, _Slot], group: str, name: str) -> type:
        kind = _KINDS[group]
        slot = table.get(name)
        if slot is None:
            raise UnknownNameError(kind, name, list(table))
        cls_ = self._load(slot)
        if cls_ is None:
            raise UnavailableError(f"{kind} {name!r} is unavailable: {slot.error}")
        reason = _disabled(cls_)
        if reason:
            raise UnavailableError(f"{kind} {name!r} is unavailable: {reason}")
        return cls_

    def writer_class(self, name: str) -> type[Writer]:
        """The writer called ``name``.

        Raises :class:`UnknownNameError` (listing the known names) or
        :class:`UnavailableError` (with the reason: import failure, missing
        dependency, ambiguous plugins).
        """
        return self._usable(self.writers, WRITER_GROUP, name)

    def reader_class(self, name: str) -> type[Reader]:
        """The reader called ``name``; raises like :meth:`writer_class`."""
        return self._usable(self.readers, READER_GROUP, name)

    def writer(self, name: str) -> Writer:
        """The registry's one instance of writer ``name`` (writers cache fonts and styles)."""
        with self._lock:
            instance = self._instances.get(name)
            if instance is None:
                instance = self.writer_class(name)()
                self._instances[name] = instance
            return instance

    def reader_for(self, path: Path, data: bytes | None = None) -> type[Reader]:
        """Choose a reader by suffix; among several, the one whose ``sniff`` accepts ``data``."""
        suffix = path.suffix.lower()
        matches: list[tuple[_Slot, type[Reader]]] = []
        for slot in self.readers.values():
            cls_ = self._load(slot)
            if cls_ is not None and suffix in getattr(cls_, "suffixes", ()):
                matches.append((slot, cls_))
        if not matches:
            raise UnknownNameError("input suffix", suffix or "(none)", sorted(self.input_suffixes()))
        if len(matches) > 1 and data is not None:
            # Most specific first: a reader that recognises the content wins
            # (ninjs over plain JSON), the built-in generic reader last.
            sniffed = [(s, c) for s, c in matches if _sniff(s, c, data)]
            specific = [(s, c) for s, c in sniffed if s.name != "json"]
            if specific:
                return specific[0][1]
            if sniffed:
                return sniffed[0][1]
        return next((c for s, c in matches if s.builtin), matches[0][1])

    def input_suffixes(self) -> set[str]:
        """Every file suffix some loadable reader takes (for walking folders)."""
        out: set[str] = set()
        for slot in self.readers.values():
            cls_ = self._load(slot)
            if cls_ is not None:
                out.update(getattr(cls_, "suffixes", ()))
        return out

    def describe(self) -> dict[str, list[dict[str, Any]]]:
        """What ``exporter formats`` prints: every reader and writer with its state.

        Each row has ``name``, ``builtin``, ``source`` (``module:Class``),
        ``distribution``, ``override``, ``replaces``, ``available``, ``reason``
        and, when the class loaded, ``description`` and ``suffix`` (writers)
        or ``suffixes`` (readers).
        """
        result: dict[str, list[dict[str, Any]]] = {"writers": [], "readers": []}
        for kind, table in (("writers", self.writers), ("readers", self.readers)):
            for name in sorted(table):
                slot = table[name]
                cls_ = self._load(slot)
                row: dict[str, Any] = {"name": name, "builtin": slot.builtin,
                                       "source": slot.entry.value,
                                       "distribution": slot.distribution,
                                       "override": slot.override, "replaces": slot.replaces}
                if cls_ is None:
                    row.update(available=False, reason=slot.error)
                else:
                    reason = _disabled(cls_)
                    row.update(available=reason is None, reason=reason,
                               description=getattr(cls_, "description", ""))
                    if kind == "writers":
                        row["suffix"] = getattr(cls_, "suffix", "")
                        row["media_type"] = getattr(cls_, "media_type", "")
                    else:
                        row["suffixes"] = list(getattr(cls_, "suffixes", ()))
                result[kind].append(row)
        return result


def _check_class(group: str, name: str, obj: object) -> str | None:
    """Why ``obj`` cannot serve as ``name`` in ``group``, or None if it can."""
    base = _BASES[group]
    if not (isinstance(obj, type) and issubclass(obj, base)):
        return f"is not a subclass of {base.__module__}.{base.__qualname__}"
    declared = getattr(obj, "name", "")
    if not declared:
        return "its class has no `name` (set it to the entry-point name)"
    if declared != name:
        return (f"its class declares name {declared!r} but is registered as {name!r}; "
                "the entry-point name and the class's `name` must match")
    if group == WRITER_GROUP:
        suffix = getattr(obj, "suffix", "")
        if not (isinstance(suffix, str) and suffix.startswith(".") and len(suffix) > 1
                and "/" not in suffix):
            return f"its `suffix` {suffix!r} must be a file suffix starting with '.'"
    return None


def _disabled(cls_: type[Reader] | type[Writer]) -> str | None:
    """``cls_.disabled_message()``, with a plugin's own failure reported as the reason."""
    try:
        return cls_.disabled_message()
    except Exception as exc:
        return f"its availability check failed: {type(exc).__name__}: {exc}"


def _sniff(slot: _Slot, cls_: type[Reader], data: bytes) -> bool:
    """``cls_.sniff(data)``; a reader whose sniff raises does not stop the others."""
    try:
        return bool(cls_.sniff(data))
    except Exception as exc:
        log.warning("input format %r: sniff failed (%s: %s); not used for this input",
                    slot.name, type(exc).__name__, exc)
        return False


def _is_builtin(ep: EntryPoint) -> bool:
    dist = getattr(ep, "dist", None)
    if dist is not None:
        return _normalise(dist.name) == BUILTIN_DISTRIBUTION
    return ep.value.startswith("exporter.")


def _dist_name(ep: EntryPoint) -> str | None:
    dist = getattr(ep, "dist", None)
    return dist.name if dist is not None else None


def _describe(ep: EntryPoint) -> str:
    dist = _dist_name(ep)
    return f"{ep.value} (distribution {dist})" if dist else ep.value


def _describe_all(eps: list[EntryPoint]) -> str:
    return ", ".join(_describe(ep) for ep in eps)


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


_REGISTRY: Registry | None = None
_REGISTRY_LOCK = threading.Lock()


def get_registry() -> Registry:
    """The process-wide registry, built from the entry points on first use."""
    global _REGISTRY
    with _REGISTRY_LOCK:
        if _REGISTRY is None:
            _REGISTRY = Registry.from_entry_points()
        return _REGISTRY


def reset_registry() -> None:
    """Forget the registry and its writer instances.

    Call it after installing a plugin in the same process, or in tests after
    changing ``sys.path``; the next lookup reads the entry points again.
    """
    global _REGISTRY
    with _REGISTRY_LOCK:
        _REGISTRY = None
