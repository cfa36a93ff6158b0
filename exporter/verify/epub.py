"""Read an EPUB back with zipfile and lxml: package document, content documents, nav.

Nothing of ebooklib or the EPUB writer is used. The container names the
package document (OPF); its metadata gives ``dc:title``, ``dc:creator``,
``dc:language``, ``dc:subject``; the spine gives the content documents
(parsed as XML: they must be well-formed XHTML), in which the shared
rendering's elements are found (h1, ``.standfirst``, ``.byline``, figures
with ``img/@alt`` and ``figcaption``, blockquotes with ``footer``/``cite``).
EPUBCheck runs through :mod:`exporter.verify.epubcheck`.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag

from lxml import etree

from exporter.verify import expected as E
from exporter.verify.checkers import Checker, CheckOptions
from exporter.verify.compare import norm, quoted, shown_as
from exporter.verify.epubcheck import BookResult, EpubCheckRunner, current, unavailable
from exporter.verify.result import Cell, Check, NotRun, failed_all, run_fields
from exporter.verify.xhtml import Rendering, by_tag, local, text_of

if TYPE_CHECKING:
    from exporter.model import Article

OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NS = {"opf": OPF, "dc": DC, "c": CONTAINER}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False)


class Book:
    """An EPUB opened for reading: package metadata, spine documents, nav."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.names = self.zip.namelist()
        container = self.xml("META-INF/container.xml")
        rootfile = container.find(".//c:rootfile", NS)
        if rootfile is None or not rootfile.get("full-path"):
            raise ValueError("META-INF/container.xml names no package document")
        self.opf_path = rootfile.get("full-path")
        self.opf = self.xml(self.opf_path)
        self.base = posixpath.dirname(self.opf_path)
        self.manifest: dict[str, dict[str, str]] = {}
        for item in self.opf.iterfind("opf:manifest/opf:item", NS):
            href = self.resolve(self.base, item.get("href", ""))
            self.manifest[item.get("id", "")] = {
                "href": href, "media-type": item.get("media-type", ""),
                "properties": item.get("properties", "")}
        spine = self.opf.find("opf:spine", NS)
        self.spine = spine
        self.nav_path = next((m["href"] for m in self.manifest.values()
                              if "nav" in m["properties"].split()), None)
        self.documents: list[tuple[str, Any]] = []
        for ref in (spine.iterfind("opf:itemref", NS) if spine is not None else []):
            item = self.manifest.get(ref.get("idref", ""))
            if item is None or item["href"] == self.nav_path:
                continue
            if item["media-type"] in ("application/xhtml+xml", "text/html"):
                self.documents.append((item["href"], self.xml(item["href"])))

    @staticmethod
    def resolve(base: str, href: str) -> str:
        href = unquote(urldefrag(href)[0])
        return posixpath.normpath(posixpath.join(base, href)) if href else base

    def xml(self, name: str) -> Any:
        return etree.fromstring(self.zip.read(name), _PARSER)

    def dc(self, name: str) -> list[str]:
        return ["".join(el.itertext()) for el in self.opf.iterfind(f"opf:metadata/dc:{name}", NS)]

    def close(self) -> None:
        self.zip.close()


class EpubChecker(Checker):
    """The EPUB checker: EPUBCheck runs once, in one JVM, for all the books of a verify call.

    :meth:`prepare` starts the JVM (or uses the one of an enclosing
    :func:`exporter.verify.epubcheck.session`); the EPUBs are checked last, so the
    JVM warms up while the other formats are read.
    """

    late = True

    def __init__(self) -> None:
        self._books: list[Path] = []
        self._reason: str | None = None
        self._runner: EpubCheckRunner | None = None
        self._own = False
        self._results: dict[Path, BookResult | str | None] | None = None

    def prepare(self, paths: Sequence[Path], options: CheckOptions) -> None:
        self._books = [p for p in paths if p.is_file()]
        self._reason = None if options.epubcheck else "skipped (--no-epubcheck)"
        self._reason = self._reason or unavailable()
        self._runner = current()
        if self._books and self._reason is None:
            if self._runner is None:
                self._runner, self._own = EpubCheckRunner(), True
            self._runner.warm_up()

    def check(self, article: Article, path: Path, options: CheckOptions) -> list[Check]:
        if self._results is None:
            self._results = dict.fromkeys(self._books, self._reason)
            if self._books and self._runner is not None and self._reason is None:
                self._results.update(self._runner.check(self._books))
        return check(article, path, self._results.get(path, self._reason))

    def close(self) -> None:
        if self._own and self._runner is not None:
            self._runner.close()
        self._runner, self._own = None, False


def check(article: Article, path: Path, epubcheck: BookResult | str | None) -> list[Check]:
    """Check one EPUB; ``epubcheck`` is its EPUBCheck result, or why it was not run."""
    na = E.not_applicable(article)
    if not path.is_file():
        return failed_all("epub", "missing file", na)
    try:
        book = Book(path)
    except Exception as exc:
        return failed_all("epub", f"unreadable: {type(exc).__name__}: {exc}", na)
    try:
        return _check(article, book, epubcheck, na)
    finally:
        book.close()


def _check(article: Article, book: Book, epubcheck: BookResult | str | None,
           na: dict[str, str]) -> list[Check]:
    view = Rendering([root for _, root in book.documents])

    def headline(cell: Cell) -> None:
        titles = book.dc("title")
        cell.expect(bool(titles) and norm(titles[0]) == norm(article.headline),
                    f"dc:title is {shown_as(titles[0], article.headline)}" if titles else "no dc:title")
        view.check_headline(cell, article.headline)
        if book.nav_path is None:
            cell.fail("no nav document")
        else:
            nav = book.xml(book.nav_path)
            links = [norm(text_of(a)) for a in by_tag(list(nav.iter()), "a")]
            cell.expect(norm(article.headline) in links, "headline not in the nav")

    def standfirst(cell: Cell) -> None:
        view.check_standfirst(cell, article.standfirst or "")

    def bylines(cell: Cell) -> None:
        view.check_byline(cell, article)
        creators = [norm(c) for c in book.dc("creator")]
        # One dc:creator per distinct person: a name listed twice is one creator.
        people = list({norm(p.name): p for p in article.bylines}.values())
        cell.expect(len(creators) == len(people),
                    f"{len(creators)} dc:creator for {len(people)} distinct bylines")
        for i, person in enumerate(people):
            ok = i < len(creators) and creators[i] in (norm(person.name),
                                                       norm(E.person(person)))
            cell.expect(ok, f"dc:creator #{i + 1} is not {quoted(person.name)}")

    def lead_image(cell: Cell) -> None:
        img = view.check_lead_image(cell, article)
        if img is None:
            return
        src = img.get("src") or ""
        doc = next((name for name, root in book.documents if img in root.iter()), "")
        target = book.resolve(posixpath.dirname(doc), src)
        cell.expect(target in book.names, f"img src {src!r} is not in the package")

    def captions(cell: Cell) -> None:
        view.check_captions(cell, article)

    def quotes(cell: Cell) -> None:
        view.check_quotes(cell, article)

    def body(cell: Cell) -> None:
        view.check_body(cell, article)

    def date_line(cell: Cell) -> None:
        view.check_date_line(cell, article)

    def corrections(cell: Cell) -> None:
        view.check_corrections(cell, article)

    def corrections_order(cell: Cell) -> None:
        view.check_corrections_order(cell, article)

    def tags(cell: Cell) -> None:
        subjects = {norm(s) for s in book.dc("subject")}
        for tag in E.tags(article):
            cell.expect(norm(tag) in subjects, f"no dc:subject {quoted(tag)}")

    def language(cell: Cell) -> None:
        langs = book.dc("language")
        cell.expect(bool(langs) and norm(langs[0]).lower() == article.language.lower(),
                    f"dc:language is {langs[0]!r}" if langs else "no dc:language")
        for name, root in book.documents:
            lang = root.get("lang") or root.get(XML_LANG)
            cell.expect((lang or "").lower() == article.language.lower(),
                        f"{name}: lang is {lang!r}")
            dirs = [el.get("dir") for el in [root, *root.iter()]
                    if isinstance(el.tag, str) and el.get("dir")
                    and local(el) in ("html", "body", "article")]
            if article.dir == "rtl" or dirs:
                cell.expect(bool(dirs) and dirs[0] == article.dir,
                            f"{name}: dir is {dirs[0]!r}" if dirs else f"{name}: no dir")
        if article.dir == "rtl":
            ppd = book.spine.get("page-progression-direction") if book.spine is not None else None
            cell.expect(ppd == "rtl", f"spine page-progression-direction is {ppd!r}")

    def validator(cell: Cell) -> None:
        infos = book.zip.infolist()
        first = infos[0] if infos else None
        cell.expect(first is not None and first.filename == "mimetype", "mimetype is not first")
        if first is not None and first.filename == "mimetype":
            cell.expect(first.compress_type == zipfile.ZIP_STORED, "mimetype is compressed")
            cell.expect(book.zip.read("mimetype") == b"application/epub+zip",
                        "mimetype content is wrong")
        if isinstance(epubcheck, BookResult):
            if epubcheck.error:
                cell.fail(f"EPUBCheck: {epubcheck.error}")
            for message in epubcheck.problems:
                cell.fail(f"EPUBCheck {message}")
            if epubcheck.ok:
                cell.note("EPUBCheck: no errors, no warnings")
        elif not cell.problems:
            raise NotRun(f"EPUBCheck: {epubcheck or 'skipped'}")

    checks = {
        "headline": headline, "standfirst": standfirst, "bylines": bylines,
        "lead image": lead_image, "caption + credit": captions, "quote attribution": quotes,
        "date line": date_line, "body": body, "corrections": corrections,
        "corrections order": corrections_order, "tags": tags, "language": language,
        "validator": validator,
    }
    return run_fields("epub", checks, na)
