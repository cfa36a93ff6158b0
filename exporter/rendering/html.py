"""THE HTML of an article: the Jinja ``Renderer`` every HTML-based format uses.

PDF, EPUB, RSS, HTML and ninjs show :meth:`Renderer.article_html`. The
template decides the elements and classes; every word, separator and label
comes from :mod:`exporter.rendering.wording`, handed to the template as
``*_parts`` globals and shown with the ``parts`` filter, so the HTML reads
exactly like DOCX and plain text.

HTML is built from the model only (never from input HTML), escaped by
Jinja, and links keep only http(s) and mailto targets.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NoReturn

from markupsafe import Markup, escape

import exporter.rendering.wording as wording
from exporter.errors import RenderError
from exporter.model import Break, Em, Image, Inline, Link, Strong
from exporter.rendering.locales import using_style
from exporter.text import slugify

if TYPE_CHECKING:
    from exporter.model import Article
    from exporter.rendering.style import Style

SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")
#: ASCII characters no URL may carry literally, and a "%" that starts no escape
_URL_UNSAFE = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]|%(?![0-9A-Fa-f]{2})')

#: segment roles shown by their own HTML element (no class) instead of a ``<span>``
_ELEMENTS = {"attribution-name": "cite"}

_PERSON = 'itemscope="itemscope" itemtype="https://schema.org/Person"'
#: the public meaning of a segment: schema.org microdata, which real CMS pages carry
#: too, so a reader (ours included) finds a byline's people, a caption's credit or a
#: date by it -- never by this rendering's class names or separators. The class
#: stays beside it for the style sheets. (``itemscope`` has a value: EPUB is XML.)
MICRODATA: dict[str, str] = {
    "byline-person": f'itemprop="author" {_PERSON}',
    "byline-name": 'itemprop="name"', "attribution-name": 'itemprop="name"',
    "byline-role": 'itemprop="jobTitle"', "attribution-role": 'itemprop="jobTitle"',
    "byline-org": 'itemprop="affiliation"', "attribution-org": 'itemprop="affiliation"',
    "caption": 'itemprop="caption"', "credit": 'itemprop="creditText"',
    "section": 'itemprop="articleSection"',
    "published": 'itemprop="datePublished"', "updated": 'itemprop="dateModified"',
}


def _attributes(role: str | None, with_class: bool = True) -> Markup:
    """`` class="role"`` (when asked) and the role's microdata, escaped."""
    out = Markup("")
    if role and with_class:
        out += Markup(' class="%s"') % role
    if role in MICRODATA:
        out += Markup(" " + MICRODATA[role])
    return out


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
        else:
            raise RenderError(f"unknown inline type {getattr(node, 'type', type(node).__name__)!r}"
                              ": the HTML rendering cannot show it")
    return Markup("").join(parts)


def parts_html(parts: Iterable[wording.Part]) -> Markup:
    """Wording segments as HTML: a role becomes ``<span class="role">`` with its
    :data:`MICRODATA`, a dated segment ``<time datetime>``, plain joining text
    stays text; all escaped."""
    out: list[str] = []
    for part in parts:
        inner = escape(part.text) if isinstance(part.text, str) else parts_html(part.text)
        if part.when is not None:
            out.append(Markup('<time%s datetime="%s">%s</time>')
                       % (_attributes(part.role), part.when.isoformat(), inner))
        elif part.role is None:
            out.append(inner)
        elif part.role in _ELEMENTS:
            tag = _ELEMENTS[part.role]
            out.append(Markup(f"<{tag}%s>%s</{tag}>") % (_attributes(part.role, False), inner))
        else:
            out.append(Markup("<span%s>%s</span>") % (_attributes(part.role), inner))
    return Markup("").join(out)


def unknown_block(block: Any, index: int, article: Article | None = None) -> NoReturn:
    """Called by the template's last ``else``: a block kind it has no branch for
    must fail loudly, never vanish from the output."""
    kind = getattr(block, "type", type(block).__name__)
    raise RenderError(f"unknown block type {kind!r}: the article template cannot show it",
                      source=article.origin if article is not None else None,
                      field=f"body[{index}]")


def heading_ids(article: Article, prefix: str = "") -> dict[int, str]:
    """Unique, stable ids for the body's headings, by block index."""
    seen: set[str] = set()
    ids: dict[int, str] = {}
    for index, block in enumerate(article.body):
        if block.type != "heading":
            continue
        base = f"{prefix}h-{slugify(wording.inline_text(block.content), 40)}"
        candidate, n = base, 2
        while candidate in seen:
            candidate, n = f"{base}-{n}", n + 1
        seen.add(candidate)
        ids[index] = candidate
    return ids


ImageUrl = Callable[[Image], "str | None"]


#: the microdata attributes the template writes; values are Jinja-escaped (no quote inside)
_MICRODATA = re.compile(r' item(?:scope|type|prop)="[^"]*"')


def strip_microdata(html: str) -> str:
    """``html`` without ``itemscope``/``itemtype``/``itemprop`` attributes.

    Safe on the rendering's own output only: attribute values there are
    escaped, and a text node cannot hold ``"`` next to `` item…=`` unescaped.
    """
    return _MICRODATA.sub("", html)


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
        self.env.filters.update(inline=inline_html, person=wording.person_text,
                                caption=wording.caption_text, plain=wording.inline_text,
                                parts=parts_html)
        self.env.globals.update(
            # plain wording (kept for house templates written against them)
            format_date=wording.format_date, byline_text=wording.byline_text,
            attribution_text=wording.attribution_text, keywords_text=wording.keywords_text,
            sorted_corrections=wording.sorted_corrections, safe_href=safe_href,
            # segments for the ``parts`` filter
            rubric_parts=wording.rubric_parts, byline_parts=wording.byline_parts,
            date_line_parts=wording.date_line_parts, caption_parts=wording.caption_parts,
            attribution_parts=wording.attribution_parts,
            correction_parts=wording.correction_parts,
            unknown_block=unknown_block,
        )

    @classmethod
    def for_style(cls, style: Style) -> Renderer:
        return _cached_renderer(style)

    def context(self, article: Article, image_url: ImageUrl | None = None,
                id_prefix: str = "") -> dict[str, Any]:
        return {
            "a": article,
            "lang": article.language,
            "dir": article.dir,
            "L": wording.labels(article.language, self.style),
            "image_url": image_url or _source_url,
            "heading_ids": heading_ids(article, id_prefix),
            "prefix": id_prefix,
        }

    def article_html(self, article: Article, image_url: ImageUrl | None = None,
                     id_prefix: str = "", microdata: bool = True) -> str:
        """The ``<article>`` element: what every HTML-based format shows.

        ``image_url`` maps an image to the URL this format uses for it (a
        packaged path, a data: URI, an absolute URL) or None to leave the
        picture out and keep its caption and credit. ``microdata=False`` leaves
        out the schema.org attributes: feed readers' sanitisers (feedparser's,
        the W3C validator's safe list) know no ``itemprop``, and an item's
        content is shown inside somebody else's page, where it means nothing.
        """
        template = self.env.get_template("article.html.j2")
        with using_style(self.style):  # this style's catalogues word the article
            html = template.render(self.context(article, image_url, id_prefix))
        return html if microdata else strip_microdata(html)

    def page_html(self, article: Article, image_url: ImageUrl | None = None,
                  css: str = "", extra_head: str = "") -> str:
        """A complete HTML document around :meth:`article_html` (HTML and PDF writers)."""
        template = self.env.get_template("page.html.j2")
        with using_style(self.style):
            ctx = self.context(article, image_url)
            ctx.update(body=Markup(self.article_html(article, image_url)), css=Markup(css),
                       extra_head=Markup(extra_head),
                       byline=wording.byline_text(article.bylines))
            return template.render(ctx)


@lru_cache(maxsize=8)
def _cached_renderer(style: Style) -> Renderer:
    return Renderer(style)
