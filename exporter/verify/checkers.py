"""One checker per format, found by name through entry points (like readers and writers).

A checker reads one output back and returns a :class:`~exporter.verify.result.Check`
per field. Built-in checkers are declared in exporter's ``pyproject.toml`` under the
group that plugins use too, so a plugin format can ship its own::

    [project.entry-points."exporter.checkers"]
    plaintext = "exporter_plaintext.verify:check"      # the writer's format name

The object is either a function ``check(article, path, options) -> list[Check]``
or a :class:`Checker` subclass (instantiated once per :func:`exporter.verify.verify`
call; use it when the checks of many files share work, as EPUBCheck's JVM does).

The rules are those of :mod:`exporter.registry`: a plugin may not take a built-in's
name silently (it is ignored and reported; ``NAME!override`` replaces on purpose),
two plugins claiming one name make it unavailable with a reason naming both, a
checker that fails to import is unavailable with the reason, and an unknown name
raises :class:`~exporter.errors.UnknownNameError` listing the known ones. A
format that has a writer but no checker is reported as *not checked*.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from exporter.errors import UnavailableError, UnknownNameError
from exporter.registry import OVERRIDE_MARK, _is_builtin

if TYPE_CHECKING:
    from exporter.model import Article
    from exporter.verify.result import Check

log = logging.getLogger("exporter")

GROUP = "exporter.checkers"
#: the built-in checkers, in table order (also what ``verify`` checks by default)
FORMATS: tuple[str, ...] = ("pdf", "docx", "epub", "rss", "html")
# Used only when exporter runs from a source tree that was never installed.
_BUILTIN_FALLBACK = {
    "pdf": "exporter.verify.pdf:checker",
    "docx": "exporter.verify.docx:checker",
    "epub": "exporter.verify.epub:EpubChecker",
    "rss": "exporter.verify.rss:checker",
    "html": "exporter.verify.html:checker",
}


@dataclass(frozen=True)
class CheckOptions:
    """What a checker may need besides the article and the file."""

    #: the ``--base-url`` the output was written with (RSS: Media RSS is then required)
    base_url: str | None = None
    #: run external validators (EPUBCheck); False reports them as not run
    epubcheck: bool = True


CheckFunction = Callable[["Article", Path, CheckOptions], "list[Check]"]


class Checker:
    """A format's checker with set-up shared by all the files of one verify call."""

    #: the output suffix when no writer of this name is installed (else the writer's)
    suffix: ClassVar[str | None] = None
    #: checked after the others, so that what :meth:`prepare` started (a JVM) warms up
    late: ClassVar[bool] = False

    def prepare(self, paths: Sequence[Path], options: CheckOptions) -> None:
        """Called once with every file about to be checked, before any :meth:`check`."""

    def check(self, article: Article, path: Path, options: CheckOptions) -> list[Check]:
        raise NotImplementedError

    def close(self) -> None:
        """Called once after the last :meth:`check`, also after an error."""


class _FunctionChecker(Checker):
    def __init__(self, fn: CheckFunction) -> None:
        self.fn = fn

    def check(self, article: Article, path: Path, options: CheckOptions) -> list[Check]:
        return self.fn(article, path, options)


@dataclass
class _Slot:
    entry: EntryPoint
    error: str | None = None
    loaded: Any = None


@dataclass
class CheckerRegistry:
    """Checkers by format name; :func:`get_checkers` is the process-wide one."""

    slots: dict[str, _Slot] = field(default_factory=dict)
    #: refused duplicates and ambiguous names, found while registering
    problems: list[str] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @classmethod
    def from_entry_points(cls) -> CheckerRegistry:
        eps = list(entry_points(group=GROUP))
        if not any(_is_builtin(ep) for ep in eps):
            eps += [EntryPoint(name, value, GROUP) for name, value in _BUILTIN_FALLBACK.items()]
        reg = cls()
        by_name: dict[str, list[EntryPoint]] = {}
        for ep in eps:
            same = by_name.setdefault(ep.name.removesuffix(OVERRIDE_MARK).strip(), [])
            if not any(c.name == ep.name and c.value == ep.value for c in same):
                same.append(ep)
        for name, candidates in sorted(by_name.items()):
            reg.slots[name] = reg._choose(name, candidates)
        for problem in reg.problems:
            log.warning("plugin problem: %s", problem)
        return reg

    def _choose(self, name: str, candidates: list[EntryPoint]) -> _Slot:
        builtins = [ep for ep in candidates if _is_builtin(ep)]
        plugins = [ep for ep in candidates if not _is_builtin(ep)]
        overrides = [ep for ep in plugins if ep.name.endswith(OVERRIDE_MARK)]
        plain = [ep for ep in plugins if not ep.name.endswith(OVERRIDE_MARK)]
        if len(overrides) > 1 or (not overrides and not builtins and len(plain) > 1):
            claimants = overrides if len(overrides) > 1 else plain
            reason = (f"{len(claimants)} plugins declare the checker {name!r}: "
                      f"{', '.join(_describe(ep) for ep in claimants)}; uninstall all but one")
            self.problems.append(f"{GROUP} {name!r}: {reason}")
            return _Slot(claimants[0], error=reason)
        winner = overrides[0] if overrides else builtins[0] if builtins else plain[0]
        for ep in plain:
            if ep is not winner:
                self.problems.append(
                    f"{GROUP} {name!r} from {_describe(ep)} ignored: the name belongs to "
                    f"{winner.value} (name the entry point '{name}{OVERRIDE_MARK}' to "
                    "replace it on purpose)")
        return _Slot(winner)

    def add(self, name: str, obj: type[Checker] | CheckFunction, *,
            override: bool = False) -> None:
        """Register a checker directly (scripts, tests); a taken name needs ``override``."""
        problem = _check_object(obj)
        if problem:
            raise TypeError(problem)
        with self._lock:
            if name in self.slots and not override:
                raise ValueError(f"{GROUP} {name!r} is already registered "
                                 f"({self.slots[name].entry.value}); pass override=True")
            value = f"{obj.__module__}:{getattr(obj, '__qualname__', repr(obj))}"
            self.slots[name] = _Slot(EntryPoint(name, value, GROUP), loaded=obj)

    def names(self) -> list[str]:
        """Built-in formats in table order, then the others by name."""
        return sorted(self.slots, key=lambda n: (FORMATS.index(n) if n in FORMATS
                                                 else len(FORMATS), n))

    def _load(self, name: str) -> Any:
        slot = self.slots.get(name)
        if slot is None:
            raise UnknownNameError("checker", name, list(self.slots))
        with self._lock:
            if slot.loaded is None and slot.error is None:
                try:
                    obj = slot.entry.load()
                except (Exception, SystemExit) as exc:  # a broken plugin must not break others
                    slot.error = f"failed to import {slot.entry.value}: {type(exc).__name__}: {exc}"
                else:
                    slot.error = _check_object(obj)
                    slot.loaded = None if slot.error else obj
            if slot.error:
                raise UnavailableError(f"checker {name!r} is unavailable: {slot.error}")
            return slot.loaded

    def checker(self, name: str) -> Checker:
        """A fresh checker for format ``name``.

        Raises :class:`UnknownNameError` (listing the known names) or
        :class:`UnavailableError` (with the reason).
        """
        obj = self._load(name)
        if isinstance(obj, type):
            return obj()
        return _FunctionChecker(obj)

    def suffix(self, name: str) -> str | None:
        """The suffix a checker declares, if it is a :class:`Checker` that does."""
        try:
            obj = self._load(name)
        except (UnknownNameError, UnavailableError):
            return None
        return getattr(obj, "suffix", None) if isinstance(obj, type) else None


def _check_object(obj: object) -> str | None:
    if isinstance(obj, type):
        if issubclass(obj, Checker):
            return None
        return f"is not a subclass of {Checker.__module__}.Checker"
    if callable(obj):
        return None
    return "is neither a function (article, path, options) nor a Checker subclass"


def _describe(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return f"{ep.value} (distribution {dist.name})" if dist is not None else ep.value


_CHECKERS: CheckerRegistry | None = None
_CHECKERS_LOCK = threading.Lock()


def get_checkers() -> CheckerRegistry:
    """The process-wide checker registry, read from the entry points on first use."""
    global _CHECKERS
    with _CHECKERS_LOCK:
        if _CHECKERS is None:
            _CHECKERS = CheckerRegistry.from_entry_points()
        return _CHECKERS


def reset_checkers() -> None:
    """Forget the checkers (after installing a plugin in the same process, in tests)."""
    global _CHECKERS
    with _CHECKERS_LOCK:
        _CHECKERS = None
