"""Read a standalone HTML page back with lxml.html.

Nothing of the HTML writer is used. The page's ``<head>`` gives ``<title>``,
``meta name=author/description/keywords`` and ``html/@lang``; its body is the
shared rendering, checked like an EPUB content document
(:class:`~exporter.verify.xhtml.Rendering`). Pictures are inlined (``data:``), so
every ``img`` must have one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.verify import expected as E
from exporter.verify.checkers import CheckOptions
from exporter.verify.compare import norm, quoted, shown_as
from exporter.verify.result import Cell, Check, failed_all, run_fields
from exporter.verify.xhtml import Rendering, by_tag

if TYPE_CHECKING:
    from exporter.model import Article


def _meta(root: Any, name: str) -> str | None:
    for el in root.iter("meta"):
        if (el.get("name") or "").lower() == name:
            return el.get("content") or ""
    return None


def checker(article: Article, path: Path, options: CheckOptions) -> list[Check]:
    """The ``exporter.checkers`` entry point of the HTML writer's format."""
    na = E.not_applicable(article)
    if not path.is_file():
        return failed_all("html", "missing file", na)
    try:
        import lxml.html

        data = path.read_bytes()
        head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if not head.startswith((b"<!doctype html", b"<html")):
            raise ValueError("not an HTML document (no <!DOCTYPE html> or <html>)")
        root = lxml.html.document_fromstring(data)
        body = root.find("body")
        if body is None:
            raise ValueError("no <body>")
    except Exception as exc:
        return failed_all("html", f"unreadable: {type(exc).__name__}: {exc}", na)
    view = Rendering([body])

    def headline(cell: Cell) -> None:
        title = root.findtext(".//title") or ""
        cell.expect(norm(title) == norm(article.headline), f"title is {shown_as(title, article.headline)}")
        view.check_headline(cell, article.headline)

    def standfirst(cell: Cell) -> None:
        view.check_standfirst(cell, article.standfirst or "")

    def bylines(cell: Cell) -> None:
        view.check_byline(cell, article)
        author = norm(_meta(root, "author"))
        for person in article.bylines:
            cell.expect(norm(person.name) in author,
                        f"meta author {quoted(author)} lacks {quoted(person.name)}")

    def lead_image(cell: Cell) -> None:
        img = view.check_lead_image(cell, article)
        if img is not None:
            cell.expect((img.get("src") or "").startswith("data:"),
                        "lead img is not inlined (src is not a data: URI)")

    def tags(cell: Cell) -> None:
        keywords = norm(_meta(root, "keywords"))
        if not keywords:
            cell.fail("no meta keywords")
        for tag in E.tags(article):
            cell.expect(norm(tag) in keywords, f"meta keywords lack {quoted(tag)}")

    def language(cell: Cell) -> None:
        lang = root.get("lang") or ""
        cell.expect(lang.lower() == article.language.lower(),
                    f"html lang is {lang!r}, expected {article.language!r}")
        if article.dir == "rtl":
            cell.expect(root.get("dir") == "rtl", f"html dir is {root.get('dir')!r}")

    def validator(cell: Cell) -> None:
        outside = [img.get("src") or "" for img in by_tag(view.elements, "img")
                   if not (img.get("src") or "").startswith("data:")]
        cell.expect(not outside, f"pictures not inlined: {', '.join(outside[:2])}")
        scripts = by_tag(list(root.iter()), "script")
        cell.expect(not scripts, f"{len(scripts)} script element(s)")
        cell.note("lxml.html parses it; self-contained")

    checks = {
        "headline": headline, "standfirst": standfirst, "bylines": bylines,
        "date line": lambda cell: view.check_date_line(cell, article),
        "lead image": lead_image,
        "caption + credit": lambda cell: view.check_captions(cell, article),
        "quote attribution": lambda cell: view.check_quotes(cell, article),
        "body": lambda cell: view.check_body(cell, article),
        "corrections": lambda cell: view.check_corrections(cell, article),
        "corrections order": lambda cell: view.check_corrections_order(cell, article),
        "tags": tags, "language": language, "validator": validator,
    }
    return run_fields("html", checks, na)
