"""One registry of readers and writers, filled from entry points.

Built-in formats are declared in exporter's own ``pyproject.toml`` under the
same entry-point groups (``exporter.readers``, ``exporter.writers``) that
third-party plugins use, so there is one path for both. Rules:

- a plugin may not silently replace a built-in: a second entry point with a
  taken name is reported and ignored, unless the plugin's entry-point name
  ends in ``!override`` (e.g. ``pdf!override = mypkg:MyPdf``), which is the
  explicit way to replace a format;
- a plugin that fails to import is reported by name (``exporter formats``
  shows it) and the other formats keep working;
- an unknown name raises :class:`UnknownNameError` listing the known ones.

Entry points are only *loaded* (their modules imported) when a name is
looked up, never at import of this module.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from .errors import UnavailableError, UnknownNameError
from .readers import Reader
from .writers import Writer

log = logging.getLogger("exporter")

READER_GROUP = "exporter.readers"
WRITER_GROUP = "exporter.writers"
OVERRIDE_MARK = "!override"

# Used only when exporter runs from a source tree that was never installed
# (no entry-point metadata at all); an installed exporter always uses its
# entry points.
_BUILTIN_FALLBACK = {
    READER_GROUP: {
        "json": "exporter.readers.json:JsonReader",
        "markdown": "exporter.readers.markdown:MarkdownReader",
    },
    WRITER_GROUP: {
        "html": "exporter.writers.html:HtmlWriter",
        "pdf": "exporter.writers.pdf:PdfWriter",
        "docx": "exporter.writers.docx:DocxWriter",
        "epub": "exporter.writers.epub:EpubWriter",
        "rss": "exporter.writers.rss:RssWriter",
    },
}


@dataclass
class _Slot:
    """One registered name: its entry point, then (once loaded) its class or load error."""

    name: str
    entry: EntryPoint
    builtin: bool
    loaded: type | None = None
    error: str | None = None


@dataclass
class Registry:
    """Readers and writers by name."""

    readers: dict[str, _Slot] = field(default_factory=dict)
    writers: dict[str, _Slot] = field(default_factory=dict)
    #: problems found while registering (duplicates, import failures)
    problems: list[str] = field(default_factory=list)

    # -- filling -----------------------------------------------------------------

    @classmethod
    def from_entry_points(cls) -> Registry:
        reg = cls()
        for group, table in ((READER_GROUP, reg.readers), (WRITER_GROUP, reg.writers)):
            eps = list(entry_points(group=group))
            if not any(_is_builtin(ep) for ep in eps):
                eps += [EntryPoint(name, value, group)
                        for name, value in _BUILTIN_FALLBACK[group].items()]
            # Built-ins first, so a plugin is the one refused on a clash.
            for ep in sorted(eps, key=lambda e: (not _is_builtin(e), e.name, e.value)):
                reg._add(table, group, ep)
        return reg

    def _add(self, table: dict[str, _Slot], group: str, ep: EntryPoint) -> None:
        name = ep.name
        override = name.endswith(OVERRIDE_MARK)
        if override:
            name = name[: -len(OVERRIDE_MARK)]
        existing = table.get(name)
        if existing is not None and not override:
            if existing.entry.value != ep.value:
                self.problems.append(
                    f"{group} {name!r} from {ep.value} ignored: the name is taken by "
                    f"{existing.entry.value} (name the entry point '{name}{OVERRIDE_MARK}' "
                    "to replace it on purpose)")
            return
        table[name] = _Slot(name, ep, _is_builtin(ep))

    def add_writer(self, cls_: type[Writer], *, override: bool = False) -> None:
        """Register a writer class directly (for scripts and tests)."""
        self._add_class(self.writers, WRITER_GROUP, cls_, override)

    def add_reader(self, cls_: type[Reader], *, override: bool = False) -> None:
        """Register a reader class directly (for scripts and tests)."""
        self._add_class(self.readers, READER_GROUP, cls_, override)

    def _add_class(self, table: dict[str, _Slot], group: str, cls_: type, override: bool) -> None:
        name = cls_.name
        if name in table and not override:
            raise ValueError(f"{group} {name!r} is already registered; pass override=True")
        ep = EntryPoint(name, f"{cls_.__module__}:{cls_.__qualname__}", group)
        table[name] = _Slot(name, ep, False, loaded=cls_)

    # -- looking up ----------------------------------------------------------------

    def _load(self, slot: _Slot) -> type | None:
        if slot.loaded is None and slot.error is None:
            try:
                slot.loaded = slot.entry.load()
            except Exception as exc:  # a broken plugin must not break the others
                slot.error = f"failed to import {slot.entry.value}: {type(exc).__name__}: {exc}"
                log.warning("plugin %r %s", slot.name, slot.error)
        return slot.loaded

    def writer_class(self, name: str) -> type[Writer]:
        """The writer called ``name``; raises if unknown, broken or unavailable."""
        slot = self.writers.get(name)
        if slot is None:
            raise UnknownNameError("format", name, list(self.writers))
        cls_ = self._load(slot)
        if cls_ is None:
            raise UnavailableError(f"format {name!r} is unavailable: {slot.error}")
        reason = cls_.disabled_message()
        if reason:
            raise UnavailableError(f"format {name!r} is unavailable: {reason}")
        return cls_

    def reader_class(self, name: str) -> type[Reader]:
        slot = self.readers.get(name)
        if slot is None:
            raise UnknownNameError("input format", name, list(self.readers))
        cls_ = self._load(slot)
        if cls_ is None:
            raise UnavailableError(f"input format {name!r} is unavailable: {slot.error}")
        reason = cls_.disabled_message()
        if reason:
            raise UnavailableError(f"input format {name!r} is unavailable: {reason}")
        return cls_

    def reader_for(self, path: Path, data: bytes | None = None) -> type[Reader]:
        """Choose a reader by suffix; among several, the one whose ``sniff`` accepts ``data``."""
        suffix = path.suffix.lower()
        matches = []
        for slot in self.readers.values():
            cls_ = self._load(slot)
            if cls_ is not None and suffix in getattr(cls_, "suffixes", ()):
                matches.append(cls_)
        if not matches:
            known = sorted({s for slot in self.readers.values() if slot.loaded
                            for s in getattr(slot.loaded, "suffixes", ())})
            raise UnknownNameError("input suffix", suffix or "(none)", known)
        if len(matches) > 1 and data is not None:
            # Most specific first: a reader that recognises the content wins
            # (ninjs over plain JSON), the built-in generic reader last.
            sniffed = [m for m in matches if m.sniff(data)]
            specific = [m for m in sniffed if m.name != "json"]
            if specific:
                return specific[0]
            if sniffed:
                return sniffed[0]
        return next((m for m in matches if self.readers[m.name].builtin), matches[0])

    def input_suffixes(self) -> set[str]:
        out: set[str] = set()
        for slot in self.readers.values():
            cls_ = self._load(slot)
            if cls_ is not None:
                out.update(getattr(cls_, "suffixes", ()))
        return out

    def describe(self) -> dict[str, list[dict[str, Any]]]:
        """What ``exporter formats`` prints: every reader and writer with its state."""
        result: dict[str, list[dict[str, Any]]] = {"writers": [], "readers": []}
        for kind, table in (("writers", self.writers), ("readers", self.readers)):
            for name in sorted(table):
                slot = table[name]
                cls_ = self._load(slot)
                row: dict[str, Any] = {"name": name, "builtin": slot.builtin,
                                       "source": slot.entry.value}
                if cls_ is None:
                    row.update(available=False, reason=slot.error)
                else:
                    reason = cls_.disabled_message()
                    row.update(available=reason is None, reason=reason,
                               description=getattr(cls_, "description", ""))
                    if kind == "writers":
                        row["suffix"] = cls_.suffix
                    else:
                        row["suffixes"] = list(cls_.suffixes)
                result[kind].append(row)
        return result


def _is_builtin(ep: EntryPoint) -> bool:
    dist = getattr(ep, "dist", None)
    if dist is not None:
        return dist.name == "exporter"
    return ep.value.startswith("exporter.")


_REGISTRY: Registry | None = None


def get_registry() -> Registry:
    """The process-wide registry, built on first use."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = Registry.from_entry_points()
    return _REGISTRY


def reset_registry() -> None:
    """Forget the registry (after installing a plugin in the same process, or in tests)."""
    global _REGISTRY
    _REGISTRY = None
