"""How a :class:`~exporter.verify.VerifyReport` is shown: a table per article, a summary line, JSON."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from exporter.errors import UsageError
from exporter.verify.result import (
    FAIL,
    FIELDS,
    NA,
    NOT_CHECKED,
    NOT_RUN,
    PASS,
    ArticleReport,
    Check,
    VerifyReport,
)

if TYPE_CHECKING:
    from exporter.model import Article

SYMBOLS = {PASS: "✓", FAIL: "✗", NA: "–", NOT_RUN: "○", NOT_CHECKED: "?"}
CELL_WIDTH = 30


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _clip(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out = ""
    for c in text:
        if _width(out + c) > width - 1:
            break
        out += c
    return out + "…"


def cell_text(check: Check | None) -> str:
    if check is None:
        return ""
    symbol = SYMBOLS.get(check.status, "?")
    if check.status == FAIL:
        return _clip(f"{symbol} {check.reason}", CELL_WIDTH)
    if check.status == NOT_RUN:
        return "○ not run"
    if check.status == NOT_CHECKED:
        return "? not checked"
    return symbol


def article_table(entry: ArticleReport, formats: list[str]) -> str:
    """The field × format table of one article, then the full text of each problem."""
    head = f"{entry.id}" + (f"  ({entry.source})" if entry.source else "")
    rows = [["field", *formats]]
    for name in FIELDS:
        rows.append([name, *(cell_text(entry.get(fmt, name)) for fmt in formats)])
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [head]
    for r in rows:
        lines.append("  " + "  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip())
    details = [c for c in entry.checks if c.status in (FAIL, NOT_RUN)]
    for c in details:
        sym = SYMBOLS[c.status]
        items = c.problems or [c.reason]
        for problem in items:
            lines.append(f"  {sym} {c.format} {c.field}: {problem}")
    return "\n".join(lines)


def summary_line(report: VerifyReport) -> str:
    """One line: verdict, counts, and the first failures (:meth:`VerifyReport.summary`)."""
    return report.summary()


def render_text(report: VerifyReport) -> str:
    """What ``exporter verify`` prints: a table per article, then the summary line."""
    blocks = [article_table(a, report.formats) for a in report.articles]
    for fmt, reason in sorted(report.not_checked.items()):
        blocks.append(f"? {fmt}: not checked: {reason}")
    for source, message in report.errors:
        blocks.append(f"✗ {source}: {message}")
    blocks.append(summary_line(report))
    return "\n\n".join(blocks)


def to_dict(report: VerifyReport) -> dict[str, Any]:
    """The JSON form (``exporter verify --json``, :meth:`VerifyReport.to_dict`)."""
    return report.to_dict()


# --- the command line (``exporter verify`` and ``exporter export --verify``) ---------------


def load_inputs(files: list[Path]) -> tuple[list[Article], list[tuple[str, str]]]:
    """Load every input; a file that cannot be loaded is an error entry, not an exception."""
    from exporter.api import load
    from exporter.errors import ExporterError

    articles: list[Article] = []
    errors: list[tuple[str, str]] = []
    seen: dict[str, Path] = {}
    for path in files:
        try:
            article = load(path)
        except ExporterError as exc:
            errors.append((str(path), str(exc.with_source(path))))
            continue
        except Exception as exc:  # a reader bug: report it, keep going
            errors.append((str(path), f"{type(exc).__name__}: {exc}"))
            continue
        if article.id in seen:  # as `export` refuses: both would name the same outputs
            errors.append((str(path), f"id {article.id!r} is also the id of {seen[article.id]}; "
                                      "not verified (outputs are named by id)"))
            continue
        seen[article.id] = path
        articles.append(article)
    return articles, errors


def run_verify(files: list[Path], out_dir: Path, formats: str | Iterable[str] | None, *,
               as_json: bool = False, epubcheck: bool = True, base_url: str | None = None,
               strict: bool = False, stream: TextIO | None = None) -> int:
    """Verify the outputs of ``files`` in ``out_dir``, print the report, return the exit status.

    0 when every check holds, 1 when one fails (or an input cannot be loaded,
    or -- with ``strict`` -- a validator could not run), 2 for usage errors.
    """
    from exporter.verify import parse_formats, verify

    out = stream or sys.stdout
    try:
        names = parse_formats(formats)
    except UsageError as exc:
        print(f"exporter: error: {exc}", file=sys.stderr)
        return 2
    articles, errors = load_inputs(files)
    report = verify(articles, out_dir, names, epubcheck=epubcheck, base_url=base_url)
    report.errors.extend(errors)
    if as_json:
        print(json.dumps(to_dict(report), indent=2, ensure_ascii=False), file=out)
    else:
        print(render_text(report), file=out)
    return exit_status(report, strict)


def exit_status(report: VerifyReport, strict: bool = False) -> int:
    if not report.ok:
        return 1
    counts = report.counts()
    if strict and (counts[NOT_RUN] or counts[NOT_CHECKED]):
        return 1
    return 0


def verify_export(files: list[Path], formats: Iterable[str], out_dir: Path, *,
                  base_url: str | None = None, quiet: bool = False) -> bool:
    """``exporter export --verify``: check what was just written; True when all holds.

    The report goes to stdout (to stderr, failures only, when ``quiet``: the
    export's ``--json`` owns stdout). A format without a checker is reported as
    not checked (it does not fail the export).
    """
    from exporter.verify import verify

    names = list(dict.fromkeys(formats))
    articles, errors = load_inputs(files)
    report = verify(articles, out_dir, names, base_url=base_url)
    report.errors.extend(errors)
    if quiet:
        for entry, check in report.failures:
            print(f"exporter: verify: {entry.id}: {check.format} {check.field}: {check.reason}",
                  file=sys.stderr)
        for fmt, reason in sorted(report.not_checked.items()):
            print(f"exporter: verify: {fmt}: not checked: {reason}", file=sys.stderr)
        print(f"exporter: {summary_line(report)}", file=sys.stderr)
    else:
        print(render_text(report))
    return report.ok
