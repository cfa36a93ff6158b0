"""Read an RSS file back: feedparser (on the bytes) and lxml.

feedparser is what feed readers see: it decides ``bozo`` (not well-formed),
and its parsed entries must show the headline, a guid and a publication
date. lxml reads the exact XML: the item's ``title``, ``description``,
``dc:creator``, ``category``, Media RSS (``media:content``,
``media:description``, ``media:credit``), ``enclosure`` and
``content:encoded``, whose HTML is parsed (lxml.html) and checked like an
EPUB content document (h1, ``.byline``, figures, quotes, body).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from lxml import etree

from exporter.verify import expected as E
from exporter.verify.checkers import CheckOptions
from exporter.verify.compare import norm, quoted, shown_as
from exporter.verify.result import Cell, Check, failed_all, run_fields
from exporter.verify.xhtml import Rendering

if TYPE_CHECKING:
    from exporter.model import Article

MEDIA = "http://search.yahoo.com/mrss/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
NS = {"media": MEDIA, "content": CONTENT, "dc": DC}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _text(el: Any) -> str:
    return "".join(el.itertext()) if el is not None else ""


def _html_text(value: str) -> str:
    """Visible text of an HTML fragment (for a description holding markup)."""
    import lxml.html

    try:
        return lxml.html.fragment_fromstring(value, create_parent="div").text_content()
    except (etree.ParserError, ValueError):
        return value


class Feed:
    def __init__(self, path: Path) -> None:
        import feedparser

        data = path.read_bytes()
        self.parsed = feedparser.parse(data)
        self.root = etree.fromstring(data, _PARSER)
        self.channel = self.root.find("channel")
        if self.root.tag != "rss" or self.channel is None:
            raise ValueError(f"not an RSS 2.0 document (root element {self.root.tag!r})")
        self.items = self.channel.findall("item")

    def item_for(self, article: Article) -> Any | None:
        for item in self.items:
            guid = norm(_text(item.find("guid")))
            if article.url and guid == norm(article.url):
                return item
        for item in self.items:
            if norm(_text(item.find("title"))) == norm(article.headline):
                return item
        return self.items[0] if self.items else None

    def entry_for(self, item: Any) -> Any | None:
        index = self.items.index(item)
        entries = self.parsed.entries
        return entries[index] if index < len(entries) else None


def check(article: Article, path: Path, base_url: str | None = None) -> list[Check]:
    """Check one RSS file. With ``base_url`` (what the export used), Media RSS is required."""
    na = E.not_applicable(article)
    if not path.is_file():
        return failed_all("rss", "missing file", na)
    try:
        feed = Feed(path)
    except Exception as exc:
        return failed_all("rss", f"unreadable: {type(exc).__name__}: {exc}", na)
    item = feed.item_for(article)
    if item is None:
        return failed_all("rss", "no item", na)
    entry = feed.entry_for(item)
    encoded = item.find("content:encoded", NS)
    view: Rendering | None = None
    if encoded is not None and (encoded.text or "").strip():
        import lxml.html

        view = Rendering([lxml.html.fragment_fromstring(encoded.text, create_parent="div")])

    def content(cell: Cell) -> Rendering | None:
        if view is None:
            cell.fail("no content:encoded")
        return view

    def headline(cell: Cell) -> None:
        title = _text(item.find("title"))
        cell.expect(norm(title) == norm(article.headline), f"item title is {shown_as(title, article.headline)}")
        if entry is not None:
            seen = entry.get("title", "")
            cell.expect(norm(seen) == norm(article.headline),
                        f"feedparser reads the title as {quoted(seen)}")
        if (v := content(cell)) is not None:
            v.check_headline(cell, article.headline)

    def standfirst(cell: Cell) -> None:
        desc = _text(item.find("description"))
        want = norm(article.standfirst)
        cell.expect(want in norm(desc) or want in norm(_html_text(desc)),
                    f"description {quoted(desc)} lacks the standfirst" if desc
                    else "no description")
        if (v := content(cell)) is not None:
            v.check_standfirst(cell, article.standfirst or "")

    def bylines(cell: Cell) -> None:
        creators = [norm(_text(c)) for c in item.findall("dc:creator", NS)]
        creators += [norm(_text(c)) for c in item.findall("author")]
        for i, person in enumerate(article.bylines):
            ok = any(c in (norm(person.name), norm(E.person(person))) or
                     norm(person.name) in c for c in creators)
            cell.expect(ok, f"no dc:creator for bylines[{i}] {quoted(person.name)}")
        if (v := content(cell)) is not None:
            v.check_byline(cell, article)

    def lead_image(cell: Cell) -> None:
        image = article.lead_image
        assert image is not None
        media = item.findall(".//media:content", NS)
        must = bool(base_url) or _absolute(image.src)
        if not media:
            if must:
                cell.fail("no media:content")
            else:
                cell.note("no media:content: relative image and no base URL (allowed)")
        else:
            url = media[0].get("url")
            cell.expect(_absolute(url), f"media:content url {url!r} is not absolute")
            medium, mtype = media[0].get("medium"), media[0].get("type") or ""
            cell.expect(medium == "image" or mtype.startswith("image/"),
                        "media:content is not an image")
            enclosure = item.find("enclosure")
            cell.expect(enclosure is not None and _absolute(enclosure.get("url")),
                        "no enclosure with an absolute url")
        v = content(cell)
        if v is not None:
            v.check_lead_image(cell, article, require_img=bool(media) or must)

    def captions(cell: Cell) -> None:
        image = article.lead_image
        if image is not None and (image.caption or image.credit):
            descs = [_text(d) for d in item.iterfind(".//media:description", NS)]
            credits = [_text(c) for c in item.iterfind(".//media:credit", NS)]
            # Without a published picture (no media:content) the writer leaves the
            # item-level media:description out -- feedparser would take it for the
            # summary -- and the caption lives in content:encoded (checked below).
            published = item.find(".//media:content", NS) is not None
            if image.caption and published:
                cell.expect(bool(descs) and norm(descs[0]) == norm(image.caption),
                            f"media:description is {shown_as(descs[0], image.caption)}" if descs
                            else "no media:description")
            if image.credit:
                cell.expect(bool(credits) and norm(credits[0]) == norm(image.credit),
                            f"media:credit is {shown_as(credits[0], image.credit)}" if credits
                            else "no media:credit")
        if (v := content(cell)) is not None:
            v.check_captions(cell, article)

    def quotes(cell: Cell) -> None:
        if (v := content(cell)) is not None:
            v.check_quotes(cell, article)

    def body(cell: Cell) -> None:
        if (v := content(cell)) is not None:
            v.check_body(cell, article, lambda image: bool(base_url) or _absolute(image.src))

    def date_line(cell: Cell) -> None:
        if (v := content(cell)) is not None:
            v.check_date_line(cell, article)

    def corrections(cell: Cell) -> None:
        if (v := content(cell)) is not None:
            v.check_corrections(cell, article)

    def corrections_order(cell: Cell) -> None:
        if (v := content(cell)) is not None:
            v.check_corrections_order(cell, article)

    def tags(cell: Cell) -> None:
        cats = {norm(_text(c)) for c in item.findall("category")}
        for tag in E.tags(article):
            cell.expect(norm(tag) in cats, f"no category {quoted(tag)}")

    def language(cell: Cell) -> None:
        lang = _text(feed.channel.find("language"))
        cell.expect(norm(lang).lower() == article.language.lower(),
                    f"channel language is {lang!r}" if lang else "no channel language")
        if view is not None:
            arts = [el for el in view.elements if el.tag == "article"]
            if arts:
                cell.expect(arts[0].get("dir") in (None, article.dir),
                            f"content dir is {arts[0].get('dir')!r}")

    def validator(cell: Cell) -> None:
        if feed.parsed.get("bozo"):
            cell.fail(f"feedparser bozo: {feed.parsed.get('bozo_exception')}")
        guids = []
        for n, it in enumerate(feed.items):
            guid = norm(_text(it.find("guid")))
            cell.expect(bool(guid), f"item {n + 1} has no guid")
            guids.append(guid)
            cell.expect(bool(norm(_text(it.find("pubDate")))), f"item {n + 1} has no pubDate")
        cell.expect(len(set(guids)) == len(guids), "guids are not unique")
        for n, e in enumerate(feed.parsed.entries):
            if norm(_text(feed.items[n].find("pubDate"))) if n < len(feed.items) else False:
                cell.expect(e.get("published_parsed") is not None,
                            f"item {n + 1}: feedparser cannot read the pubDate")
        for name in ("title", "link", "description"):
            cell.expect(feed.channel.find(name) is not None, f"channel has no {name}")
        cell.note(f"{len(feed.items)} item(s), well-formed")

    checks = {
        "headline": headline, "standfirst": standfirst, "bylines": bylines,
        "lead image": lead_image, "caption + credit": captions, "quote attribution": quotes,
        "date line": date_line, "body": body, "corrections": corrections,
        "corrections order": corrections_order, "tags": tags, "language": language,
        "validator": validator,
    }
    return run_fields("rss", checks, na)


def checker(article: Article, path: Path, options: CheckOptions) -> list[Check]:
    """The ``exporter.checkers`` entry point of the RSS writer's format."""
    return check(article, path, options.base_url)
