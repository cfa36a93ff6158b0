"""Result types of ``exporter verify``: one :class:`Check` per field and format.

This module imports nothing of ``exporter.verify``: the checkers, the report
(:mod:`exporter.verify.report`) and the package build on it, never the
other way round. A :class:`VerifyReport` words its own summary line and JSON
form, so showing it needs no import back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PASS = "pass"
FAIL = "fail"
NA = "na"
NOT_RUN = "not_run"
#: the format has no checker (a plugin writer that declares none): never a pass
NOT_CHECKED = "not_checked"
#: JSON shape version (bump when keys change)
JSON_VERSION = 2

#: the rows of the table: DESIGN.md section 2, the writers' promises, the validators
FIELDS: tuple[str, ...] = (
    "headline",
    "standfirst",
    "bylines",
    "date line",
    "lead image",
    "caption + credit",
    "quote attribution",
    "body",
    "corrections",
    "corrections order",
    "tags",
    "language",
    "validator",
)



class NotApplicable(Exception):
    """Raised by a field check when the field does not apply to this article/format."""


class NotRun(Exception):
    """Raised by a field check whose tool is unavailable (not a pass)."""


@dataclass
class Check:
    """The outcome of one field in one format."""

    format: str
    field: str
    status: str
    #: why it failed, why it does not apply, or a note on a pass
    reason: str = ""
    #: every problem found (the ``reason`` shows the first ones)
    # `field` is shadowed by the attribute above: name the dataclasses helper in full
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != FAIL

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": self.format, "field": self.field,
                               "status": self.status, "reason": self.reason}
        if self.problems:
            out["problems"] = list(self.problems)
        return out


@dataclass
class ArticleReport:
    """Every check of one article."""

    id: str
    source: str | None
    files: dict[str, str] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def get(self, fmt: str, field_name: str) -> Check | None:
        for c in self.checks:
            if c.format == fmt and c.field == field_name:
                return c
        return None

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == FAIL]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "ok": self.ok, "files": dict(self.files),
                "checks": [c.to_dict() for c in self.checks]}


@dataclass
class VerifyReport:
    """The result of :func:`exporter.verify.verify`: one :class:`ArticleReport` per article."""

    formats: list[str]
    articles: list[ArticleReport] = field(default_factory=list)
    #: inputs that could not be loaded: (file, message)
    errors: list[tuple[str, str]] = field(default_factory=list)
    #: formats asked for that have no checker: format -> why (shown, never a pass)
    not_checked: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and all(a.ok for a in self.articles)

    @property
    def checks(self) -> list[Check]:
        return [c for a in self.articles for c in a.checks]

    @property
    def failures(self) -> list[tuple[ArticleReport, Check]]:
        return [(a, c) for a in self.articles for c in a.failures]

    def counts(self) -> dict[str, int]:
        out = {PASS: 0, FAIL: 0, NA: 0, NOT_RUN: 0, NOT_CHECKED: 0}
        for c in self.checks:
            out[c.status] = out.get(c.status, 0) + 1
        return out

    def summary(self) -> str:
        """One line: verdict, counts, and the first failures by article, format and field."""
        counts = self.counts()
        n = len(self.articles)
        verdict = "OK" if self.ok else "FAILED"
        parts = [f"{counts[PASS]} passed", f"{counts[FAIL]} failed"]
        if counts[NOT_RUN]:
            parts.append(f"{counts[NOT_RUN]} not run")
        parts.append(f"{counts[NA]} not applicable")
        line = (f"verify {verdict}: {n} article{'s' if n != 1 else ''} × "
                f"{len(self.formats)} format{'s' if len(self.formats) != 1 else ''} "
                f"({', '.join(self.formats)}): {', '.join(parts)}")
        if self.not_checked:
            line += f"; not checked: {', '.join(sorted(self.not_checked))} (no checker)"
        if self.errors:
            line += f"; {len(self.errors)} input(s) not verified"
        failures = self.failures
        if failures:
            named = [f"{a.id} {c.format} {c.field}" for a, c in failures[:3]]
            more = f" and {len(failures) - 3} more" if len(failures) > 3 else ""
            line += f" — {'; '.join(named)}{more}"
        return line

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``exporter verify --json``); see docs/verify.md for the shape."""
        return {
            "version": JSON_VERSION,
            "ok": self.ok,
            "summary": self.summary(),
            "formats": list(self.formats),
            "fields": list(FIELDS),
            "counts": self.counts(),
            "not_checked": dict(sorted(self.not_checked.items())),
            "articles": [a.to_dict() for a in self.articles],
            "errors": [{"input": s, "error": m} for s, m in self.errors],
        }

    def merge(self, other: VerifyReport) -> VerifyReport:
        for fmt in other.formats:
            if fmt not in self.formats:
                self.formats.append(fmt)
        self.articles.extend(other.articles)
        self.errors.extend(other.errors)
        self.not_checked.update(other.not_checked)
        return self


class Cell:
    """Collects the problems of one field while a format checker runs."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.notes: list[str] = []

    def fail(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def expect(self, condition: bool, problem: str) -> bool:
        if not condition:
            self.fail(problem)
        return condition

    def note(self, note: str) -> None:
        self.notes.append(note)


FieldCheck = Callable[[Cell], None]


def run_fields(fmt: str, checks: Mapping[str, FieldCheck | None],
               not_applicable: dict[str, str]) -> list[Check]:
    """Run each field's check, turning problems, N/A and crashes into :class:`Check` rows."""
    out: list[Check] = []
    for name in FIELDS:
        if name in not_applicable:
            out.append(Check(fmt, name, NA, not_applicable[name]))
            continue
        fn = checks.get(name)
        if fn is None:
            out.append(Check(fmt, name, NA, f"not part of the {fmt} contract"))
            continue
        cell = Cell()
        try:
            fn(cell)
        except NotApplicable as exc:
            out.append(Check(fmt, name, NA, str(exc)))
            continue
        except NotRun as exc:
            out.append(Check(fmt, name, NOT_RUN, f"not run: {exc}"))
            continue
        except Exception as exc:  # a reader surprise must not hide the other fields
            cell.fail(f"could not check: {type(exc).__name__}: {exc}")
        if cell.problems:
            out.append(Check(fmt, name, FAIL, _reason(cell.problems), list(cell.problems)))
        else:
            out.append(Check(fmt, name, PASS, "; ".join(cell.notes)))
    return out


def failed_all(fmt: str, reason: str, not_applicable: dict[str, str]) -> list[Check]:
    """Every applicable field failed for one reason (a missing or unreadable file)."""
    return [Check(fmt, name, NA, not_applicable[name]) if name in not_applicable
            else Check(fmt, name, FAIL, reason, [reason]) for name in FIELDS]


def not_checked(fmt: str, reason: str) -> list[Check]:
    """Every field of a format without a checker: shown as not checked, never as a pass."""
    return [Check(fmt, name, NOT_CHECKED, reason) for name in FIELDS]


def _reason(problems: Iterable[str]) -> str:
    problems = list(problems)
    if len(problems) == 1:
        return problems[0]
    return f"{problems[0]} (+{len(problems) - 1} more)"
