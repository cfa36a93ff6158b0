"""What goes into an EPUB package, decided without ebooklib.

The EPUB writer (:mod:`exporter.writers.epub`) asks this module for the
pieces of a book -- identifier, dates, languages, metadata, accessibility
metadata, the XHTML content documents and the navigation document -- and
hands them to ebooklib, which only assembles the OPF and the ZIP. Keeping
the decisions here makes them testable and keeps ebooklib from re-parsing
(and rewriting) the shared HTML rendering.

Nothing here reads the clock: every date comes from the articles.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from exporter.errors import RenderError
from exporter.model import Heading
from exporter.rendering import heading_ids, inline_text, labels

if TYPE_CHECKING:
    from exporter.model import Article
    from exporter.resources import ImageInfo

#: where the stylesheet, the navigation document and the images live in the package
CSS_HREF = "styles/epub.css"
NAV_HREF = "nav.xhtml"
IMAGE_DIR = "images"

#: image types every EPUB 3.3 reading system must support (no fallback needed)
CORE_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp",
                              "image/svg+xml"})

#: namespace of the name-based identifiers of articles and editions without a URL
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://exporter.invalid/epub/identifier")

_XHTML_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
    ' lang="{lang}" xml:lang="{lang}" dir="{dir}">\n<head>\n<meta charset="utf-8"/>\n'
    "<title>{title}</title>\n"
    '<link rel="stylesheet" type="text/css" href="{css}"/>\n</head>\n'
)


# --- identity and dates ----------------------------------------------------------------


def utc_stamp(value: datetime) -> str:
    """``CCYY-MM-DDThh:mm:ssZ`` in UTC: the form ``dcterms:modified`` requires."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def book_identifier(articles: Sequence[Article]) -> str:
    """A ``urn:uuid:`` that stays the same for the same article(s).

    One article: a name-based UUID of its canonical ``url``, else of its
    ``id``. An edition: of the ordered article ids.
    """
    if len(articles) == 1:
        (article,) = articles
        if article.url:
            return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, article.url)}"
        return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, 'article:' + article.id)}"
    joined = "\n".join(a.id for a in articles)
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, 'edition:' + joined)}"


def modified_time(articles: Sequence[Article]) -> datetime | None:
    """The newest ``updated`` (or ``published`` when not updated) of the articles."""
    stamps = [a.updated or a.published for a in articles]
    found = [s for s in stamps if s is not None]
    return max(found) if found else None


def published_time(articles: Sequence[Article]) -> datetime | None:
    """The newest ``published`` of the articles (``dc:date``)."""
    found = [a.published for a in articles if a.published is not None]
    return max(found) if found else None


def languages(articles: Sequence[Article]) -> list[str]:
    """Distinct languages, the most common first (ties: first seen)."""
    counts = Counter(a.language for a in articles)
    order = {lang: i for i, lang in reversed(list(enumerate(a.language for a in articles)))}
    return sorted(counts, key=lambda lang: (-counts[lang], order[lang]))


def book_direction(articles: Sequence[Article], language: str) -> str:
    """The direction of the book's main language, as its articles say."""
    for article in articles:
        if article.language == language:
            return article.dir
    return articles[0].dir


def group_by_section(articles: Sequence[Article]) -> list[tuple[str | None, list[Article]]]:
    """Articles grouped by ``section`` in order of first appearance; input order inside."""
    groups: dict[str | None, list[Article]] = {}
    for article in articles:
        groups.setdefault(article.section, []).append(article)
    return list(groups.items())


# --- metadata ----------------------------------------------------------------------------


@dataclass
class Meta:
    """One metadata element for the OPF: ``dc:NAME`` or ``<meta property=...>``."""

    name: str  # "dc:title" or a meta property such as "schema:accessMode"
    value: str
    attrs: dict[str, str] = field(default_factory=dict)


def distinct_tagged(pairs: Iterable[tuple[str | None, str]]) -> list[tuple[str, str]]:
    """``(value, language)`` pairs with each non-empty value once, first seen first."""
    seen: dict[str, str] = {}
    for value, lang in pairs:
        if value and value not in seen:
            seen[value] = lang
    return list(seen.items())


def accessibility_metadata(images: Sequence[tuple[str, ImageInfo | None]],
                           animated: bool, language: str) -> list[Meta]:
    """schema.org accessibility metadata (EPUB Accessibility 1.1) that is true of this book.

    ``images`` pairs each picture's alt text with its loaded file. No
    ``dcterms:conformsTo`` is claimed: conformance to WCAG needs an audit
    this tool cannot do.
    """
    has_images = bool(images)
    all_alt = all(alt.strip() for alt, _ in images)
    metas = [Meta("schema:accessMode", "textual")]
    if has_images:
        metas.append(Meta("schema:accessMode", "visual"))
        metas.append(Meta("schema:accessModeSufficient", "textual,visual"))
    if all_alt:
        metas.append(Meta("schema:accessModeSufficient", "textual"))
    features = ["structuralNavigation", "tableOfContents", "readingOrder",
                "displayTransformability"]
    if has_images and all_alt:
        features.insert(0, "alternativeText")
    metas += [Meta("schema:accessibilityFeature", f) for f in features]
    metas.append(Meta("schema:accessibilityHazard", "unknown" if animated else "none"))
    summary = ("Reflowable text that follows the reader's font and size settings, "
               "with a table of contents, headings in document order and a reading "
               "order that matches the article.")
    if has_images:
        summary += (" Every image has a text alternative; captions and credits are text."
                    if all_alt else " Some images have no text alternative.")
    if animated:
        summary += " An animated image may flash; it has not been checked."
    attrs = {} if language.split("-")[0].lower() == "en" else {"xml:lang": "en"}
    metas.append(Meta("schema:accessibilitySummary", summary, attrs))
    return metas


# --- content documents -----------------------------------------------------------------


def xhtml_document(body: str, *, title: str, lang: str, dir: str, body_class: str = "",
                   check: bool = True) -> bytes:
    """A complete XHTML content document around ``body`` (already-escaped XHTML).

    With ``check`` it is parsed once as XML, so a user style's template that
    emits broken markup fails here, naming the problem, instead of producing
    an invalid book. (The house templates are checked by EPUBCheck in the
    tests; parsing costs about as much as rendering.)
    """
    head = _XHTML_HEAD.format(lang=escape(lang), dir=escape(dir), title=escape(title),
                              css=CSS_HREF)
    cls = f' class="{escape(body_class)}"' if body_class else ""
    data = f"{head}<body{cls}>\n{with_xml_lang(body)}</body>\n</html>\n".encode()
    if check:
        check_well_formed(data, title)
    return data


_START_TAG_WITH_LANG = re.compile(r'<[A-Za-z][^<>]*?\slang="(?P<lang>[^"<>]*)"[^<>]*>')


def with_xml_lang(body: str) -> str:
    """Every element with ``lang`` also gets ``xml:lang`` (the same value).

    The templates are shared with the HTML writer and write ``lang`` only; in
    XHTML, reading systems built on XML tools read only ``xml:lang``, and
    EPUB's accessibility checks want the two to agree. Attribute values are
    escaped by the templates, so a raw ``lang="`` occurs only inside a tag."""
    def add(match: re.Match[str]) -> str:
        tag = match.group(0)
        if "xml:lang=" in tag:
            return tag
        end = match.end("lang") + 1 - match.start()  # just after the value's closing quote
        return f'{tag[:end]} xml:lang="{match["lang"]}"{tag[end:]}'

    return _START_TAG_WITH_LANG.sub(add, body)


def check_well_formed(data: bytes, what: str) -> None:
    from lxml import etree

    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise RenderError(f"the EPUB document for {what!r} is not well-formed XHTML "
                          f"(check the style's templates): {exc}") from None


@dataclass
class TocEntry:
    """One line of the table of contents; ``href`` empty for a section heading."""

    title: str
    href: str = ""
    lang: str | None = None
    dir: str | None = None
    children: list[TocEntry] = field(default_factory=list)


def article_toc(article: Article, href: str, prefix: str, book_lang: str) -> TocEntry:
    """The headline, with the body's headings (levels 2-4) nested under it."""
    own_lang = article.language != book_lang
    entry = TocEntry(article.headline, href, article.language if own_lang else None,
                     article.dir if own_lang else None)
    ids = heading_ids(article, prefix)
    stack: list[tuple[int, TocEntry]] = [(1, entry)]
    for index, anchor in ids.items():
        block = article.body[index]
        if not isinstance(block, Heading):  # heading_ids indexes headings only
            raise RenderError(f"body[{index}]: expected a heading, got {block.type!r}")
        node = TocEntry(inline_text(block.content).strip() or anchor, f"{href}#{anchor}")
        while stack[-1][0] >= block.level:
            stack.pop()
        stack[-1][1].children.append(node)
        stack.append((block.level, node))
    if article.corrections:
        entry.children.append(TocEntry(labels(article.language)["corrections"],
                                       f"{href}#{prefix}corrections"))
    return entry


def _toc_list(entries: Sequence[TocEntry]) -> Markup:
    items = []
    for e in entries:
        attrs = Markup("")
        if e.lang:
            attrs = Markup(' lang="{0}" xml:lang="{0}" dir="{1}"').format(e.lang, e.dir or "auto")
        label = (Markup('<a href="{0}">{1}</a>').format(e.href, e.title) if e.href
                 else Markup("<span>{0}</span>").format(e.title))
        sub = _toc_list(e.children) if e.children else Markup("")
        items.append(Markup("<li{0}>{1}{2}</li>").format(attrs, label, sub))
    return Markup("<ol>\n{0}\n</ol>").format(Markup("\n").join(items))


def nav_document(entries: Sequence[TocEntry], *, lang: str, dir: str, heading: str,
                 start_href: str, start_title: str, edition_title: str | None = None) -> bytes:
    """The EPUB navigation document: table of contents and landmarks.

    The landmarks are hidden (reading systems use them to open the book at
    the start of the text); labels come from the shared rendering's words.
    """
    masthead = (Markup('<h1 class="edition-title">{0}</h1>\n').format(edition_title)
                if edition_title else Markup(""))
    body = Markup(
        '{masthead}<nav epub:type="toc" id="toc" role="doc-toc">\n'
        '<h2 class="toc-title">{heading}</h2>\n{toc}\n</nav>\n'
        '<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n<ol>\n'
        '<li><a epub:type="toc" href="{nav}#toc">{heading}</a></li>\n'
        '<li><a epub:type="bodymatter" href="{start}">{start_title}</a></li>\n'
        "</ol>\n</nav>\n"
    ).format(masthead=masthead, heading=heading, toc=_toc_list(entries), nav=NAV_HREF,
             start=start_href, start_title=start_title)
    return xhtml_document(str(body), title=edition_title or heading, lang=lang, dir=dir,
                          body_class="nav", check=False)  # built here, escaped by Markup


# --- images ------------------------------------------------------------------------------


def packaged_image(info: ImageInfo) -> tuple[str, str, bytes]:
    """``(href, media type, bytes)`` of a picture inside the package.

    The name is a hash of the bytes (identical pictures are stored once).
    Type and bytes come from :func:`exporter.resources.media.publishable`: the
    content decides, rasters EPUB readers need not support (TIFF, BMP...)
    are re-encoded to PNG and an SVG is rebuilt without scripts or links out.
    """
    import hashlib

    from exporter.resources.media import publishable

    published = publishable(info)
    digest = hashlib.sha256(published.data).hexdigest()[:20]
    return f"{IMAGE_DIR}/{digest}{published.extension}", published.media_type, published.data


def is_animated(info: ImageInfo) -> bool:
    """True for a GIF, PNG or WebP with more than one frame."""
    if info.format not in ("GIF", "PNG", "WEBP"):
        return False
    import io

    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(info.resource.data)) as im:
        return bool(getattr(im, "is_animated", False))
