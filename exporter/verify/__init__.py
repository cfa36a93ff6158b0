"""``exporter verify``: read the outputs back and check the consistency contract.

::

    from exporter import load
    from exporter.verify import verify

    report = verify(load("story.md"), "dist")            # every format with a checker
    report = verify(article, "dist", ["pdf", "epub"])
    print(report.summary()); assert report.ok

For each article, ``<out_dir>/<id>.<suffix>`` of every format is read back by
that format's checker (:mod:`exporter.verify.checkers`: found by name through
the ``exporter.checkers`` entry points, so a plugin format can declare one),
with readers independent of the writers (poppler/pypdf, python-docx plus the
raw WordprocessingML, zipfile plus lxml, feedparser plus lxml) and every
field of the contract (DESIGN.md section 2) is compared with the model,
worded by the shared functions of :mod:`exporter.rendering`. Each format's
validator runs too (EPUBCheck, feedparser and the RSS rules, PDF tagging).
See ``docs/verify.md`` for what is checked and the text comparison rules.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.errors import UnavailableError, UnknownNameError
from exporter.verify.checkers import FORMATS, GROUP, Checker, CheckOptions, get_checkers
from exporter.verify.epubcheck import session as epubcheck_session
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
    failed_all,
    not_checked,
)

if TYPE_CHECKING:
    from exporter.model import Article

__all__ = [
    "FAIL",
    "FIELDS",
    "FORMATS",
    "NA",
    "NOT_CHECKED",
    "NOT_RUN",
    "PASS",
    "ArticleReport",
    "Check",
    "CheckOptions",
    "Checker",
    "VerifyReport",
    "epubcheck_session",
    "output_file",
    "parse_formats",
    "verify",
]


def _writer_names() -> list[str]:
    from exporter.registry import get_registry

    return list(get_registry().writers)


def parse_formats(formats: str | Iterable[str] | None) -> list[str]:
    """Format names from ``"pdf,epub"`` or a list; every format with a checker when empty.

    A name must be a writer's or a checker's: anything else raises
    :class:`~exporter.errors.UnknownNameError` listing the known formats. A
    writer without a checker is accepted (and reported as not checked).
    """
    checkers = get_checkers().names()
    if formats is None:
        return checkers
    known = list(dict.fromkeys([*checkers, *_writer_names()]))
    values = [formats] if isinstance(formats, str) else list(formats)
    names: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if not part:
                continue
            if part not in known:
                raise UnknownNameError("format", part, known)
            if part not in names:
                names.append(part)
    return names or checkers


def output_file(article: Article, fmt: str, out_dir: str | Path) -> Path:
    """Where the output of ``article`` in ``fmt`` is expected: ``<out_dir>/<id><suffix>``.

    The suffix is the writer's; a checker without an installed writer may declare one.
    """
    from exporter.registry import get_registry

    try:
        suffix = get_registry().writer_class(fmt).suffix
    except (UnknownNameError, UnavailableError):
        suffix = get_checkers().suffix(fmt) or f".{fmt}"
    return Path(out_dir) / f"{article.id}{suffix}"


def verify(article: Article | Sequence[Article], out_dir: str | Path = "dist",
           formats: str | Iterable[str] | None = None, *, epubcheck: bool = True,
           base_url: str | None = None) -> VerifyReport:
    """Check the outputs of one article (or several) in ``out_dir`` against the model.

    ``formats`` defaults to every format with a checker (pdf, docx, epub, rss,
    html and plugins'). A format without a checker is reported as *not checked*
    (every field, and ``report.not_checked``), never silently left out. A
    missing or unreadable output fails its fields ("missing file") rather than
    raising. ``base_url`` is the ``--base-url`` the RSS was written with: given,
    the lead image must be in Media RSS with an absolute URL. With
    ``epubcheck=False`` EPUBCheck is skipped and reported as *not run*.
    EPUBCheck runs in one JVM for all the books of the call (or of an
    enclosing :func:`epubcheck_session`).
    """
    from exporter.model import Article as ArticleType

    articles = [article] if isinstance(article, ArticleType) else list(article)
    names = parse_formats(formats)
    report = VerifyReport(formats=names)
    options = CheckOptions(base_url=base_url, epubcheck=epubcheck)
    checkers: dict[str, Checker] = {}
    registry = get_checkers()
    for fmt in names:
        try:
            checkers[fmt] = registry.checker(fmt)
        except UnknownNameError:
            report.not_checked[fmt] = (f"no checker is registered for format {fmt!r} "
                                       f"(entry-point group {GROUP!r})")
        except UnavailableError as exc:
            report.not_checked[fmt] = str(exc)
    files = {fmt: [output_file(a, fmt, out_dir) for a in articles] for fmt in names}
    entries = []
    for n, art in enumerate(articles):
        entry = ArticleReport(id=art.id, source=str(art.origin) if art.origin else None)
        entry.files = {fmt: str(files[fmt][n]) for fmt in names}
        entries.append(entry)
        report.articles.append(entry)

    results: dict[tuple[int, str], list[Check]] = {}
    try:
        for fmt, checker in checkers.items():
            checker.prepare(files[fmt], options)
        for fmt in sorted(checkers, key=lambda f: checkers[f].late):
            for n, art in enumerate(articles):
                results[(n, fmt)] = _run(checkers[fmt], fmt, art, files[fmt][n], options)
    finally:
        for checker in checkers.values():
            checker.close()
    for n, entry in enumerate(entries):
        for fmt in names:
            found = results.get((n, fmt))
            entry.checks.extend(found if found is not None
                                else not_checked(fmt, f"not checked: {report.not_checked[fmt]}"))
    return report


def _run(checker: Checker, fmt: str, article: Article, path: Path,
         options: CheckOptions) -> list[Check]:
    """One file's checks; a checker that crashes fails that file, not the whole report."""
    from exporter.verify.expected import not_applicable

    try:
        return checker.check(article, path, options)
    except Exception as exc:
        return failed_all(fmt, f"the {fmt} checker failed: {type(exc).__name__}: {exc}",
                          not_applicable(article))


class _CallableModule(types.ModuleType):
    """``exporter.verify`` is both this package and the function (``_LAZY`` in exporter).

    Once ``exporter.verify`` (the package) has been imported, Python binds the
    package as the attribute ``exporter.verify``, shadowing the lazily exported
    function; calling the package forwards to :func:`verify`, so
    ``exporter.verify(article, "dist")`` works in either order of imports.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> VerifyReport:
        return verify(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
