"""``exporter verify``: read the outputs back and check the consistency contract.

::

    from exporter import load
    from exporter.verify import verify

    report = verify(load("story.md"), "dist")            # every format
    report = verify(article, "dist", ["pdf", "epub"])
    print(report.summary()); assert report.ok

For each article, ``<out_dir>/<id>.<suffix>`` of every format is read back
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

from exporter.errors import UsageError
from exporter.verify.epubcheck import EpubCheckRunner, current
from exporter.verify.epubcheck import session as epubcheck_session
from exporter.verify.epubcheck import unavailable as epubcheck_unavailable
from exporter.verify.result import (
    FAIL,
    FIELDS,
    FORMATS,
    NA,
    NOT_RUN,
    PASS,
    SUFFIXES,
    ArticleReport,
    Check,
    VerifyReport,
)

if TYPE_CHECKING:
    from exporter.model import Article

__all__ = [
    "FAIL",
    "FIELDS",
    "FORMATS",
    "NA",
    "NOT_RUN",
    "PASS",
    "ArticleReport",
    "Check",
    "VerifyReport",
    "epubcheck_session",
    "output_file",
    "parse_formats",
    "verify",
]


def parse_formats(formats: str | Iterable[str] | None) -> list[str]:
    """Format names from ``"pdf,epub"`` or a list; all of :data:`FORMATS` when empty."""
    if formats is None:
        return list(FORMATS)
    values = [formats] if isinstance(formats, str) else list(formats)
    names: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if not part:
                continue
            if part not in FORMATS:
                raise UsageError(f"verify cannot read format {part!r}; it reads "
                                 f"{', '.join(FORMATS)}")
            if part not in names:
                names.append(part)
    return names or list(FORMATS)


def output_file(article: Article, fmt: str, out_dir: str | Path) -> Path:
    """Where the output of ``article`` in ``fmt`` is expected: ``<out_dir>/<id><suffix>``."""
    return Path(out_dir) / f"{article.id}{SUFFIXES[fmt]}"


def verify(article: Article | Sequence[Article], out_dir: str | Path = "dist",
           formats: str | Iterable[str] | None = None, *, epubcheck: bool = True,
           base_url: str | None = None) -> VerifyReport:
    """Check the outputs of one article (or several) in ``out_dir`` against the model.

    ``formats`` defaults to pdf, docx, epub and rss. A missing or unreadable
    output fails its fields ("missing file") rather than raising. ``base_url``
    is the ``--base-url`` the RSS was written with: given, the lead image must
    be in Media RSS with an absolute URL (without it, a relative image may be
    left out of ``media:content``, as the RSS writer documents). With
    ``epubcheck=False`` EPUBCheck is skipped and reported as *not run*.
    EPUBCheck runs in one JVM for all the books of the call (or of an
    enclosing :func:`epubcheck_session`).
    """
    from exporter.model import Article as ArticleType

    articles = [article] if isinstance(article, ArticleType) else list(article)
    names = parse_formats(formats)
    report = VerifyReport(formats=names)
    entries = []
    for art in articles:
        entry = ArticleReport(id=art.id, source=str(art.origin) if art.origin else None)
        entry.files = {fmt: str(output_file(art, fmt, out_dir)) for fmt in names}
        entries.append(entry)
        report.articles.append(entry)

    books = [output_file(a, "epub", out_dir) for a in articles] if "epub" in names else []
    present = [b for b in books if b.is_file()]
    reason = None if epubcheck else "skipped (--no-epubcheck)"
    reason = reason or epubcheck_unavailable()
    runner, own = current(), False
    if present and reason is None:
        if runner is None:
            runner, own = EpubCheckRunner(), True
        runner.warm_up()  # the JVM starts while the other formats are read
    try:
        results: dict[tuple[int, str], list[Check]] = {}
        for n, art in enumerate(articles):
            for fmt in names:
                if fmt != "epub":
                    path = output_file(art, fmt, out_dir)
                    results[(n, fmt)] = _check_format(fmt, art, path, base_url)
        checked: dict[Path, object] = dict.fromkeys(books, reason)
        if present and runner is not None and reason is None:
            checked.update(runner.check(present))
        for n, art in enumerate(articles):
            if "epub" in names:
                path = output_file(art, "epub", out_dir)
                results[(n, "epub")] = _check_format("epub", art, path, checked.get(path))
    finally:
        if own and runner is not None:
            runner.close()
    for n, entry in enumerate(entries):
        for fmt in names:
            entry.checks.extend(results[(n, fmt)])
    return report


def _check_format(fmt: str, article: Article, path: Path, extra: object) -> list[Check]:
    if fmt == "pdf":
        from exporter.verify.pdf import check
        return check(article, path)
    if fmt == "docx":
        from exporter.verify.docx import check
        return check(article, path)
    if fmt == "epub":
        from exporter.verify.epub import check
        return check(article, path, extra)  # type: ignore[arg-type]
    from exporter.verify.rss import check
    return check(article, path, extra)  # type: ignore[arg-type]


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
