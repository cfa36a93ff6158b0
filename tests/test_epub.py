"""The EPUB writer, read back independently (zipfile + lxml, never ebooklib).

Every fixture, a few generated edge cases and an edition are checked with
EPUBCheck in one batch (one JVM when a JDK is present: see
exporter/verify/epubcheck.py) and must give zero errors and zero warnings.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import posixpath
import subprocess
import sys
import uuid
import zipfile
from datetime import UTC
from pathlib import Path

import pytest
from lxml import etree

from exporter import api
from exporter.cli import run
from exporter.errors import RenderError, ResourceError
from exporter.model import Article
from exporter.rendering import (
    attribution_text,
    byline_text,
    caption_text,
    inline_text,
    sorted_corrections,
)
from exporter.reproducible import build_time, normalise_zip
from exporter.verify import epubcheck
from exporter.writers import WriteOptions

from .conftest import ARTICLE_DIRS, fixture_path, load_fixture

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EDITION_TITLE = "Morning edition"


# --- reading a book back -------------------------------------------------------------


class Book:
    """An EPUB opened with zipfile and lxml."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.xpath("//c:rootfile/@full-path", namespaces=NS)[0]
        self.base = posixpath.dirname(self.opf_path)
        self.opf = etree.fromstring(self.zip.read(self.opf_path))

    def dc(self, name: str) -> list[str]:
        return [e.text or "" for e in self.opf.xpath(f"opf:metadata/dc:{name}", namespaces=NS)]

    def meta(self, prop: str) -> list[str]:
        return [e.text or "" for e in
                self.opf.xpath("opf:metadata/opf:meta[@property=$p]", p=prop, namespaces=NS)]

    def items(self) -> list[etree._Element]:
        return self.opf.xpath("opf:manifest/opf:item", namespaces=NS)

    def read(self, href: str) -> bytes:
        return self.zip.read(posixpath.join(self.base, href))

    def xhtml(self, href: str) -> etree._Element:
        return etree.fromstring(self.read(href.split("#")[0]))

    def spine_documents(self, linear_only: bool = True) -> list[tuple[str, etree._Element]]:
        hrefs = {i.get("id"): i.get("href") for i in self.items()}
        docs = []
        for ref in self.opf.xpath("opf:spine/opf:itemref", namespaces=NS):
            if linear_only and ref.get("linear") == "no":
                continue
            docs.append((hrefs[ref.get("idref")], self.xhtml(hrefs[ref.get("idref")])))
        return docs

    def article_documents(self) -> list[etree._Element]:
        return [d for _, d in self.spine_documents() if d.xpath("//x:article", namespaces=NS)]

    def nav(self) -> etree._Element:
        (item,) = [i for i in self.items() if "nav" in (i.get("properties") or "").split()]
        return self.xhtml(item.get("href"))


def text_of(element: etree._Element) -> str:
    """Visible text, with <br/> as a newline (as rendering.inline_text writes breaks)."""
    out = [element.text or ""]
    for child in element:
        out.append("\n" if etree.QName(child).localname == "br" else text_of(child))
        out.append(child.tail or "")
    return "".join(out)


def one(node: etree._Element, path: str) -> etree._Element:
    found = node.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {len(found)} matches"
    return found[0]


def utc(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- generated edge cases --------------------------------------------------------------


def _data_uri(fmt: str, frames: int = 1) -> str:
    from PIL import Image as PILImage

    images = [PILImage.new("RGB", (40, 30), (40 * i % 255, 90, 160)) for i in range(frames)]
    out = io.BytesIO()
    if frames > 1:
        images[0].save(out, fmt, save_all=True, append_images=images[1:], duration=100, loop=0)
    else:
        images[0].save(out, fmt)
    media = {"GIF": "image/gif", "TIFF": "image/tiff", "PNG": "image/png"}[fmt]
    return f"data:{media};base64,{base64.b64encode(out.getvalue()).decode()}"


HOSTILE = "<script>alert('x')</script> & <b>bold</b> ]]> &amp;"


def edge_plain() -> dict:
    """No images, no standfirst, no bylines, no dates, no tags."""
    return {"id": "edge-plain", "headline": "Plain story", "body": [
        {"type": "paragraph", "content": "Just text."},
        {"type": "paragraph", "content": ["Line one", {"type": "break"}, "line two."]}]}


def edge_hostile() -> dict:
    """HTML-ish text everywhere, duplicate headings, an animated GIF, a TIFF figure."""
    return {
        "id": "edge-hostile", "headline": f"Headline {HOSTILE}", "standfirst": HOSTILE,
        "section": "Odd <section>", "language": "en-GB",
        "bylines": [{"name": f"Ann {HOSTILE}", "role": "<i>role</i>"}, "Bob"],
        "tags": ["<tag>", "a & b"], "rights": "© <rights>",
        "published": "2024-02-29T23:30:00-05:00",
        "lead_image": {"src": _data_uri("GIF", frames=3), "alt": f"alt {HOSTILE}",
                       "caption": f"caption {HOSTILE}", "credit": f"credit {HOSTILE}"},
        "body": [
            {"type": "heading", "level": 2, "content": "Background"},
            {"type": "paragraph", "content": HOSTILE},
            {"type": "heading", "level": 3, "content": "Background"},
            {"type": "paragraph", "content": [
                {"type": "link", "href": "javascript:alert(1)", "content": "bad link"}, " and ",
                {"type": "link", "href": "https://example.org/?a=1&b=<2>", "content": "good"},
                " ", {"type": "link", "href": "https://example.org/outer", "content": [
                    "outer ", {"type": "link", "href": "https://example.org/in", "content": "in"}]}]},
            {"type": "heading", "level": 2, "content": "Background"},
            {"type": "quote", "content": HOSTILE, "attribution": {"name": "<Q>"}},
            {"type": "figure", "image": {"src": _data_uri("TIFF"), "alt": "a tiff",
                                         "caption": "converted"}},
            {"type": "list", "ordered": False, "items": [HOSTILE, "two"]}],
        "corrections": [{"date": "2024-03-01", "text": f"fixed {HOSTILE}"}],
    }


def make_article(data: dict, folder: Path) -> Article:
    return Article.from_data(data, folder / f"{data['id']}.json")


def build(articles: list[Article], target: Path, title: str | None = None) -> Book:
    api.write_one(articles, "epub", target, WriteOptions(title=title))
    return Book(target)


# --- session: every book built once, EPUBCheck run once ------------------------------------


@pytest.fixture(scope="session")
def books(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("epub")
    fixtures = {name: load_fixture(name) for name in ARTICLE_DIRS}
    edges = {"edge-plain": make_article(edge_plain(), out),
             "edge-hostile": make_article(edge_hostile(), out)}
    paths = {}
    for name, article in {**fixtures, **edges}.items():
        paths[name] = out / f"{name}.epub"
        api.write_one([article], "epub", paths[name])
    paths["edition"] = out / "edition.epub"
    api.write_one([*fixtures.values(), *edges.values()], "epub", paths["edition"],
                  WriteOptions(title=EDITION_TITLE))
    paths["edition-rtl"] = out / "edition-rtl.epub"
    arabic = load_fixture("rtl-arabic")
    second = make_article({**arabic.to_dict(), "id": "second", "section": "أخبار"},
                          fixture_path("rtl-arabic").parent)  # its image is next to the fixture
    api.write_one([arabic, second], "epub", paths["edition-rtl"], WriteOptions(title="نشرة"))
    return paths


@pytest.fixture(scope="session")
def broken_book(books) -> Path:
    """A copy of a good book with a duplicate id: EPUBCheck must report RSC-005."""
    bad = books["tram-line"].with_name("broken.epub")
    with zipfile.ZipFile(books["tram-line"]) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("article.xhtml"):
                data = data.replace(b'id="headline"', b'id="article"')
            dst.writestr(info, data)
    return bad


@pytest.fixture(scope="session")
def epubcheck_reports(books, broken_book) -> dict[Path, epubcheck.BookResult]:
    """All books checked in one JVM by the same runner `exporter verify` uses."""
    reason = epubcheck.unavailable()
    if reason:
        pytest.skip(f"EPUBCheck cannot run: {reason}")
    with epubcheck.EpubCheckRunner() as runner:
        return runner.check([*books.values(), broken_book])


@pytest.mark.parametrize("name", [*ARTICLE_DIRS, "edge-plain", "edge-hostile", "edition",
                                  "edition-rtl"])
def test_epubcheck_no_errors_no_warnings(books, epubcheck_reports, name: str) -> None:
    report = epubcheck_reports[books[name]]
    assert report.error is None, report.error
    assert report.problems == [], "\n".join(map(str, report.problems))


def test_epubcheck_reports_are_read(epubcheck_reports, broken_book) -> None:
    """The checker is not vacuous: a duplicate id comes back as RSC-005, with its place."""
    problems = epubcheck_reports[broken_book].problems
    assert [(m.id, m.severity) for m in problems] == [("RSC-005", "ERROR")]
    assert "EPUB/article.xhtml" in problems[0].where


# --- the package ---------------------------------------------------------------------------


def test_mimetype_first_and_stored(books) -> None:
    for path in books.values():
        with zipfile.ZipFile(path) as z:
            first = z.infolist()[0]
            assert first.filename == "mimetype"
            assert first.compress_type == zipfile.ZIP_STORED
            assert z.read("mimetype") == b"application/epub+zip"
        assert path.read_bytes()[30:38] == b"mimetype"  # no extra field before the name


def test_opf_metadata(article, tmp_path) -> None:
    book = build([article], tmp_path / "a.epub")
    assert book.dc("title") == [article.headline]
    assert book.dc("creator") == [p.name for p in article.bylines]
    for n, _ in enumerate(article.bylines, 1):
        (role,) = book.opf.xpath("//opf:meta[@refines=$r][@property='role']",
                                 r=f"#creator{n}", namespaces=NS)
        assert (role.text, role.get("scheme")) == ("aut", "marc:relators")
    assert book.dc("language") == [article.language]
    assert book.dc("date") == ([utc(article.published)] if article.published else [])
    assert book.meta("dcterms:modified") == [utc(article.updated or article.published)]
    assert book.dc("subject") == list(article.tags)
    assert book.dc("description") == ([article.standfirst] if article.standfirst else [])
    assert book.dc("rights") == ([article.rights] if article.rights else [])
    (identifier,) = book.opf.xpath("//dc:identifier[@id=/opf:package/@unique-identifier]",
                                   namespaces=NS)
    expected = (uuid.uuid5(uuid.NAMESPACE_URL, article.url) if article.url else None)
    assert identifier.text.startswith("urn:uuid:")
    if expected is not None:
        assert identifier.text == f"urn:uuid:{expected}"
    again = build([article], tmp_path / "b.epub")
    assert again.dc("identifier") == book.dc("identifier")


def test_accessibility_metadata(article, tmp_path) -> None:
    book = build([article], tmp_path / "a.epub")
    assert set(book.meta("schema:accessMode")) == {"textual", "visual"}
    assert set(book.meta("schema:accessModeSufficient")) == {"textual", "textual,visual"}
    assert {"alternativeText", "structuralNavigation", "tableOfContents",
            "readingOrder"} <= set(book.meta("schema:accessibilityFeature"))
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert book.meta("schema:accessibilitySummary")[0].strip()
    assert book.meta("dcterms:conformsTo") == []  # no claim without an audit


def test_cover_is_the_lead_image(article, tmp_path) -> None:
    book = build([article], tmp_path / "a.epub")
    (cover,) = [i for i in book.items() if "cover-image" in (i.get("properties") or "")]
    source = (article.base_dir / article.lead_image.src).read_bytes()
    assert book.read(cover.get("href")) == source
    assert cover.get("href") == f"images/{hashlib.sha256(source).hexdigest()[:20]}.jpg"


# --- content -----------------------------------------------------------------------------


def test_article_content(article, tmp_path) -> None:
    book = build([article], tmp_path / "a.epub")
    (doc,) = book.article_documents()
    assert text_of(one(doc, "//x:h1")) == article.headline
    if article.standfirst:
        assert text_of(one(doc, "//x:p[@class='standfirst']")) == article.standfirst
    if article.bylines:
        assert text_of(one(doc, "//x:p[@class='byline']")) == byline_text(article.bylines)
    if article.dateline:
        assert text_of(one(doc, "//x:p[@class='dateline']")) == article.dateline

    figures = doc.xpath("//x:figure", namespaces=NS)
    assert len(figures) == len(article.images())
    for figure, image in zip(figures, article.images(), strict=True):
        img = one(figure, "x:img")
        assert img.get("alt") == image.alt
        assert book.read(img.get("src")) == (article.base_dir / image.src).read_bytes()
        assert text_of(one(figure, "x:figcaption")) == caption_text(image)
        assert text_of(one(figure, ".//x:span[@class='credit']")) == image.credit

    paragraphs = doc.xpath("//x:div[@class='article-body']/x:p[not(@class)]", namespaces=NS)
    expected = [inline_text(b.content) for b in article.body if b.type == "paragraph"]
    assert [text_of(p) for p in paragraphs] == expected

    quotes = [b for b in article.body if b.type == "quote"]
    rendered = doc.xpath("//x:blockquote", namespaces=NS)
    assert len(rendered) == len(quotes)
    for element, quote in zip(rendered, quotes, strict=True):
        assert text_of(one(element, "x:p")) == inline_text(quote.content)
        if quote.attribution:
            footer = one(element, "x:footer")
            assert text_of(footer) == attribution_text(quote.attribution)
            assert text_of(one(footer, "x:cite")) == quote.attribution.name

    corrections = doc.xpath("//x:section[@class='corrections']/x:p", namespaces=NS)
    assert [text_of(c).split(": ", 1)[1] for c in corrections] == \
        [c.text for c in sorted_corrections(article.corrections)]


def test_language_and_direction_on_every_document(article, tmp_path) -> None:
    book = build([article], tmp_path / "a.epub")
    xhtml = [i.get("href") for i in book.items() if i.get("media-type") == "application/xhtml+xml"]
    assert len(xhtml) == 2  # the article and the nav
    for href in xhtml:
        root = book.xhtml(href)
        assert root.get("lang") == root.get(XML_LANG) == article.language
        assert root.get("dir") == article.dir
    spine = one(book.opf, "opf:spine")
    if article.dir == "rtl":
        assert spine.get("page-progression-direction") == "rtl"
        assert one(book.xhtml("article.xhtml"), "//x:article").get("dir") == "rtl"
    else:
        assert spine.get("page-progression-direction") in (None, "ltr")


def test_nav_has_toc_and_landmarks(article, tmp_path) -> None:
    book = build([article], tmp_path / "a.epub")
    nav = book.nav()
    toc = one(nav, "//x:nav[@epub:type='toc']")
    first = one(toc, "x:ol/x:li/x:a")
    assert (text_of(first), first.get("href")) == (article.headline, "article.xhtml")
    for a in toc.xpath(".//x:a", namespaces=NS):  # every target exists
        href, _, anchor = a.get("href").partition("#")
        if anchor:
            assert book.xhtml(href).xpath("//*[@id=$i]", i=anchor)
    landmarks = one(nav, "//x:nav[@epub:type='landmarks']")
    kinds = [a.get(f"{{{NS['epub']}}}type") for a in landmarks.xpath(".//x:a", namespaces=NS)]
    assert kinds == ["toc", "bodymatter"]


def test_no_remote_or_scripted_content(books) -> None:
    for path in books.values():
        book = Book(path)
        names = set(book.zip.namelist())
        for _, doc in book.spine_documents(linear_only=False):
            assert not doc.xpath("//x:script | //x:iframe | //x:object | //x:embed",
                                 namespaces=NS)
            for ref in doc.xpath("//x:img/@src | //x:link/@href", namespaces=NS):
                assert "://" not in ref and not ref.startswith("data:"), (path.name, ref)
                assert posixpath.normpath(posixpath.join(book.base, ref)) in names
        for item in book.items():
            assert "://" not in item.get("href")
            assert "scripted" not in (item.get("properties") or "")
            assert "remote-resources" not in (item.get("properties") or "")


# --- edge cases ----------------------------------------------------------------------------


def test_html_like_text_stays_text(books) -> None:
    book = Book(books["edge-hostile"])
    (doc,) = book.article_documents()
    assert text_of(one(doc, "//x:h1")) == f"Headline {HOSTILE}"
    assert text_of(one(doc, "//x:p[@class='standfirst']")) == HOSTILE
    assert HOSTILE in [text_of(p) for p in doc.xpath("//x:p", namespaces=NS)]
    assert book.dc("title") == [f"Headline {HOSTILE}"]
    assert book.dc("creator") == [f"Ann {HOSTILE}", "Bob"]
    assert book.dc("subject") == ["<tag>", "a & b"]
    links = [(text_of(a), a.get("href")) for a in doc.xpath("//x:a", namespaces=NS)]
    # javascript: is text only; characters a URL cannot carry are percent-encoded;
    # a link inside a link keeps only its text (no <a> in <a>)
    assert links == [("good", "https://example.org/?a=1&b=%3C2%3E"),
                     ("outer in", "https://example.org/outer")]
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids))
    headings = doc.xpath("//x:div[@class='article-body']/*[self::x:h2 or self::x:h3]",
                         namespaces=NS)
    assert [h.get("id") for h in headings] == ["h-background", "h-background-2",
                                               "h-background-3"]
    # the animated GIF is the cover; the TIFF figure was converted to PNG
    media = sorted(i.get("media-type") for i in book.items() if i.get("href").startswith("images/"))
    assert media == ["image/gif", "image/png"]
    assert book.meta("schema:accessibilityHazard") == ["unknown"]
    assert book.dc("date") == ["2024-03-01T04:30:00Z"]


def test_plain_article_without_images_or_dates(books, tmp_path, monkeypatch) -> None:
    book = Book(books["edge-plain"])
    assert not [i for i in book.items() if i.get("href").startswith("images/")]
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert "alternativeText" not in book.meta("schema:accessibilityFeature")
    assert book.dc("date") == [] and book.dc("description") == [] and book.dc("creator") == []
    (doc,) = book.article_documents()
    assert [text_of(p) for p in doc.xpath("//x:div[@class='article-body']/x:p",
                                          namespaces=NS)] == ["Just text.", "Line one\nline two."]
    # never the clock: no dates -> SOURCE_DATE_EPOCH, else the ZIP epoch
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    plain = make_article(edge_plain(), tmp_path)
    assert build([plain], tmp_path / "a.epub").meta("dcterms:modified") == ["1980-01-01T00:00:00Z"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    again = build([plain], tmp_path / "b.epub")
    assert again.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert again.zip.infolist()[0].date_time == (2023, 11, 14, 22, 13, 20)


def test_remote_image_is_refused(tmp_path) -> None:
    data = {**edge_plain(), "lead_image": {"src": "https://example.org/photo.jpg", "alt": "x"}}
    article = make_article(data, tmp_path)
    with pytest.raises(ResourceError) as info:
        build([article], tmp_path / "remote.epub")
    assert "lead_image.src" in str(info.value) and "edge-plain.json" in str(info.value)
    assert not (tmp_path / "remote.epub").exists()
    source = tmp_path / "remote.json"
    source.write_text(article.to_json(), encoding="utf-8")
    assert run(["export", str(source), "-f", "epub", "-o", str(tmp_path / "out"), "-q"]) == 1
    assert not list((tmp_path / "out").glob("*.epub"))


def test_broken_template_is_a_render_error(tmp_path) -> None:
    style = tmp_path / "style" / "templates"
    style.mkdir(parents=True)
    (style / "article.html.j2").write_text("<article><p>{{ a.headline }}</article>\n")
    article = load_fixture("deconflict")
    with pytest.raises(RenderError, match="not well-formed"):
        api.write_one([article], "epub", tmp_path / "x.epub",
                      WriteOptions(style_dir=tmp_path / "style"))
    code = run(["export", str(fixture_path("deconflict")), "-f", "epub", "--style",
                str(tmp_path / "style"), "-o", str(tmp_path / "out"), "-q"])
    assert code == 1 and not (tmp_path / "out" / f"{article.id}.epub").exists()


# --- reproducibility ------------------------------------------------------------------------


def test_same_input_same_bytes_in_other_time_zones(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    digests = set()
    for tz in ("Asia/Kathmandu", "America/St_Johns"):  # +05:45 and -03:30; this process: any
        out = tmp_path / tz.replace("/", "-")
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        subprocess.run([sys.executable, "-m", "exporter", "export", str(fixture_path("tram-line")),
                        "-f", "epub", "-o", str(out), "-q"], env={**env, "TZ": tz}, check=True,
                       timeout=120)
        digests.add(hashlib.sha256((out / "riverside-tram-line-approved.epub").read_bytes())
                    .hexdigest())
    local = build([load_fixture("tram-line")], tmp_path / "here.epub")
    digests.add(hashlib.sha256(local.path.read_bytes()).hexdigest())
    assert len(digests) == 1
    stamp = (2026, 3, 3, 7, 15, 0)  # updated 08:15+01:00, in UTC
    assert {i.date_time for i in local.zip.infolist()} == {stamp}
    # already normalised: rewriting it with the shared normaliser changes nothing
    data = local.path.read_bytes()
    stored = [i.filename for i in local.zip.infolist() if i.compress_type == zipfile.ZIP_STORED]
    assert stored[0] == "mimetype" and all(n.startswith("EPUB/images/") for n in stored[1:])
    assert normalise_zip(data, build_time(load_fixture("tram-line").updated),
                         first=("mimetype",), stored=stored) == data


# --- editions -------------------------------------------------------------------------------


def test_edition(books) -> None:
    book = Book(books["edition"])
    articles = [load_fixture(n) for n in ARTICLE_DIRS]
    assert book.dc("title") == [EDITION_TITLE]
    names = [p.name for a in articles for p in a.bylines] + [f"Ann {HOSTILE}", "Bob"]
    assert book.dc("creator") == names
    assert book.dc("date") == ["2026-05-11T07:00:00Z"]  # the newest published
    assert book.dc("language") == ["en", "ar", "en-GB"]
    # one document per article, ids prefixed per article (a1-, a2-...) in reading order
    docs = book.article_documents()
    assert len(docs) == 5
    order = [one(d, "//x:h1").get("id").split("-")[0] for d in docs]
    assert order == ["a1", "a2", "a3", "a4", "a5"]
    assert book.dc("identifier")[0].startswith("urn:uuid:")

    nav = book.nav()
    assert text_of(one(nav, "//x:h1")) == EDITION_TITLE
    toc = one(nav, "//x:nav[@epub:type='toc']/x:ol")
    sections = [text_of(s) for s in toc.xpath("x:li/x:span", namespaces=NS)]
    assert sections == ["Middle East", "City", "محليات", "Odd <section>"]
    top = [text_of(a) for a in toc.xpath("x:li/x:a", namespaces=NS)]
    assert top == ["Plain story"]  # no section: listed on its own

    by_headline = {text_of(one(d, "//x:h1")): d for d in docs}
    for article in articles:
        doc = by_headline[article.headline]
        root = doc.getroottree().getroot()
        assert (root.get("lang"), root.get("dir")) == (article.language, article.dir)
        if article.bylines:
            assert text_of(one(doc, "//x:p[@class='byline']")) == byline_text(article.bylines)
        lead = one(doc, "//x:figure[@class='lead-figure']")
        assert one(lead, "x:img").get("alt") == article.lead_image.alt
        assert text_of(one(lead, "x:figcaption")) == caption_text(article.lead_image)
        paragraphs = doc.xpath("//x:div[@class='article-body']/x:p[not(@class)]", namespaces=NS)
        assert [text_of(p) for p in paragraphs] == \
            [inline_text(b.content) for b in article.body if b.type == "paragraph"]
    all_ids = [i for d in docs for i in d.xpath("//@id")]
    assert len(all_ids) == len(set(all_ids))


def test_edition_identifier_is_stable_and_depends_on_the_articles(tmp_path) -> None:
    arts = [load_fixture(n) for n in ARTICLE_DIRS]
    first = build(arts, tmp_path / "1.epub", EDITION_TITLE)
    second = build(arts, tmp_path / "2.epub", EDITION_TITLE)
    other = build(arts[:2], tmp_path / "3.epub", EDITION_TITLE)
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.dc("identifier") != other.dc("identifier")


def test_rtl_edition(books) -> None:
    book = Book(books["edition-rtl"])
    assert one(book.opf, "opf:spine").get("page-progression-direction") == "rtl"
    assert book.nav().get("dir") == "rtl"
    assert book.dc("title") == ["نشرة"]


# --- command line ---------------------------------------------------------------------------


def test_cli_single_and_bundle(books, tmp_path) -> None:
    out = tmp_path / "out"
    inputs = [str(fixture_path(n)) for n in ARTICLE_DIRS]
    assert run(["export", inputs[1], "-f", "epub", "-o", str(out), "-q"]) == 0
    single = out / "riverside-tram-line-approved.epub"
    assert single.read_bytes() == books["tram-line"].read_bytes()  # EPUBCheck-ed above

    bundle = tmp_path / "edition.epub"
    missing = str(tmp_path / "missing.json")
    code = run(["export", *inputs, missing, "-f", "epub", "--bundle", str(bundle),
                "--title", EDITION_TITLE, "-q"])
    assert code == 1  # one input failed; the edition holds the others
    book = Book(bundle)
    assert book.dc("title") == [EDITION_TITLE]
    assert len(book.article_documents()) == 3

    assert run(["export", *inputs, "-f", "html", "--bundle", str(tmp_path / "x.html")]) == 2
    assert run(["export", inputs[0], "-f", "epub", "--title", "no bundle"]) == 2
