"""The ONE rendering of an article: its wording and its HTML.

Everything that decides how a field reads -- how a byline joins a name and a
role, how a caption and its credit are joined, how a quote is attributed,
how a date is printed -- is decided here, once. PDF, EPUB, RSS and HTML use
:meth:`Renderer.article_html`; DOCX and plain-text writers, which cannot use
HTML, use the same wording functions (:func:`byline_text`,
:func:`caption_text`, :func:`attribution_text`, :func:`format_date`), so the
words agree in every format.

Text is never rewritten: no smart quotes, no case changes. HTML is built
from the model only (never from input HTML), escaped by Jinja, and links
keep only http(s) and mailto targets.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from exporter.model import Break, Correction, Em, Image, Inline, Link, Person, Strong
from exporter.text import slugify

if TYPE_CHECKING:
    from exporter.model import Article
    from exporter.rendering.style import Style

SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")
#: ASCII characters no URL may carry literally, and a "%" that starts no escape
_URL_UNSAFE = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]|%(?![0-9A-Fa-f]{2})')

#: the few words the rendering adds itself, by primary language
LABELS: dict[str, dict[str, str]] = {
    "en": {"published": "Published", "updated": "Updated", "corrections": "Corrections",
           "contents": "Contents", "figure": "Figure"},
    "ar": {"published": "نُشر", "updated": "حُدّث", "corrections": "تصحيحات",
           "contents": "المحتويات", "figure": "شكل"},
    "he": {"published": "פורסם", "updated": "עודכן", "corrections": "תיקונים",
           "contents": "תוכן", "figure": "איור"},
}

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")

BYLINE_SEPARATOR = " · "
ATTRIBUTION_DASH = "— "


# --- wording: the single source for every format ------------------------------------


def labels(language: str) -> dict[str, str]:
    """The rendering's own words in ``language`` (English when not translated)."""
    return LABELS.get(language.split("-")[0].lower(), LABELS["en"])


def person_text(person: Person) -> str:
    """``Name, role, organisation`` -- how a person reads in a byline or attribution."""
    return ", ".join(p for p in (person.name, person.role, person.organisation) if p)


def byline_text(bylines: Iterable[Person]) -> str:
    """All bylines on one line, in order."""
    return BYLINE_SEPARATOR.join(person_text(p) for p in bylines)


def attribution_text(person: Person) -> str:
    """The line under a quote: ``— Name, role``."""
    return ATTRIBUTION_DASH + person_text(person)


def caption_text(image: Image) -> str:
    """Caption and credit as one line: ``caption (credit)``."""
    if image.caption and image.credit:
        return f"{image.caption} ({image.credit})"
    if image.credit:
        return f"({image.credit})"
    return image.caption or ""


def format_date(value: datetime | date, language: str = "en") -> str:
    """How a date (and time, in its own offset) is printed."""
    english = language.split("-")[0].lower() == "en"
    if english:
        day = f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    else:
        day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if not isinstance(value, datetime):
        return day
    offset = value.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{day}, {value:%H:%M} {zone}"


def inline_text(content: Inline) -> str:
    """The plain text of an inline (breaks become newlines)."""
    if isinstance(content, str):
        return content
    out: list[str] = []
    for node in content:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, Break):
            out.append("\n")
        else:
            out.append(inline_text(node.content))
    return "".join(out)


def safe_href(href: str) -> str | None:
    """The link target if its scheme is allowed in output, else None (text only).

    ASCII characters a URL cannot carry (space, quotes, ``<>``, a stray ``%``...)
    are percent-encoded, so every format gets the same valid URL (EPUBCheck
    reports RSC-020 otherwise); a target whose host is not valid even then is
    dropped (text only).
    """
    stripped = href.strip()
    if not stripped.lower().startswith(SAFE_LINK_SCHEMES):
        return None
    encoded = _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", stripped)
    if encoded.lower().startswith(("http://", "https://")):
        try:
            netloc = urllib.parse.urlsplit(encoded).netloc
        except ValueError:  # e.g. an unclosed IPv6 bracket
            return None
        if not netloc or "%" in netloc.rpartition("@")[2]:
            return None
    return encoded


def inline_html(content: Inline, in_link: bool = False) -> Markup:
    """An inline as escaped HTML (well-formed XHTML too).

    A link inside a link keeps only its text: ``<a>`` must not contain ``<a>``
    (EPUBCheck RSC-005; browsers split such links apart).
    """
    if isinstance(content, str):
        return escape(content)
    parts: list[str] = []
    for node in content:
        if isinstance(node, str):
            parts.append(escape(node))
        elif isinstance(node, Break):
            parts.append(Markup("<br/>"))
        elif isinstance(node, Em):
            parts.append(Markup("<em>%s</em>") % inline_html(node.content, in_link))
        elif isinstance(node, Strong):
            parts.append(Markup("<strong>%s</strong>") % inline_html(node.content, in_link))
        elif isinstance(node, Link):
            href = None if in_link else safe_href(node.href)
            inner = inline_html(node.content, in_link or href is not None)
            parts.append(Markup('<a href="%s">%s</a>') % (href, inner) if href else inner)
    return Markup("").join(parts)


def sorted_corrections(corrections: Iterable[Correction]) -> list[Correction]:
    """Newest first, as DESIGN.md asks; dates without a time sort as midnight UTC."""
    def key(c: Correction) -> float:
        d = c.date
        if isinstance(d, datetime):
            return d.timestamp()
        return datetime(d.year, d.month, d.day).timestamp()
    return sorted(corrections, key=key, reverse=True)


def heading_ids(article: Article, prefix: str = "") -> dict[int, str]:
    """Unique, stable ids for the body's headings, by block index."""
    seen: set[str] = set()
    ids: dict[int, str] = {}
    for index, block in enumerate(article.body):
        if block.type != "heading":
            continue
        base = f"{prefix}h-{slugify(inline_text(block.content), 40)}"
        candidate, n = base, 2
        while candidate in seen:
            candidate, n = f"{base}-{n}", n + 1
        seen.add(candidate)
        ids[index] = candidate
    return ids


ImageUrl = Callable[[Image], "str | None"]


def _source_url(image: Image) -> str | None:
    return image.src


class Renderer:
    """Renders articles with the templates of one style; reuse it across articles."""

    def __init__(self, style: Style) -> None:
        from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

        self.style = style
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(d) for d in style.template_dirs()]),
            autoescape=True, trim_blocks=True, lstrip_blocks=True,
            undefined=StrictUndefined, keep_trailing_newline=True,
        )
        self.env.filters.update(inline=inline_html, person=person_text,
                                caption=caption_text, plain=inline_text)
        self.env.globals.update(format_date=format_date, byline_text=byline_text,
                                attribution_text=attribution_text, safe_href=safe_href,
                                sorted_corrections=sorted_corrections)

    @classmethod
    def for_style(cls, style: Style) -> Renderer:
        return _cached_renderer(style)

    def context(self, article: Article, image_url: ImageUrl | None = None,
                id_prefix: str = "") -> dict[str, Any]:
        return {
            "a": article,
            "lang": article.language,
            "dir": article.dir,
            "L": labels(article.language),
            "image_url": image_url or _source_url,
            "heading_ids": heading_ids(article, id_prefix),
            "prefix": id_prefix,
        }

    def article_html(self, article: Article, image_url: ImageUrl | None = None,
                     id_prefix: str = "") -> str:
        """The ``<article>`` element: what every HTML-based format shows.

        ``image_url`` maps an image to the URL this format uses for it (a
        packaged path, a data: URI, an absolute URL) or None to leave the
        picture out and keep its caption and credit.
        """
        template = self.env.get_template("article.html.j2")
        return template.render(self.context(article, image_url, id_prefix))

    def page_html(self, article: Article, image_url: ImageUrl | None = None,
                  css: str = "", extra_head: str = "") -> str:
        """A complete HTML document around :meth:`article_html` (HTML and PDF writers)."""
        template = self.env.get_template("page.html.j2")
        ctx = self.context(article, image_url)
        ctx.update(body=Markup(self.article_html(article, image_url)), css=Markup(css),
                   extra_head=Markup(extra_head), byline=byline_text(article.bylines))
        return template.render(ctx)


@lru_cache(maxsize=8)
def _cached_renderer(style: Style) -> Renderer:
    return Renderer(style)
