"""RSS 2.0: an article as a one-item feed, and the item builder the feed command shares.

An item carries ``title`` (headline), ``link`` + ``guid`` (the article's
``url``; otherwise the non-permalink ``urn:exporter:<id>``), ``pubDate``,
``description`` (standfirst), ``content:encoded`` (the ONE shared HTML
rendering: figures with caption and credit, quotes with attribution,
corrections), ONE ``dc:creator`` naming every byline (the byline as the
article prints it: feedparser, the reader under most Python feed readers, keeps
only the last ``dc:creator`` or Atom ``author``, so one per person would show
the last byline only), ``dc:language`` (the article's language; Atom:
``xml:lang`` on the entry), ``atom:updated`` (RFC 3339, what feedparser reports
as ``entry.updated``; ``pubDate`` stays the publication time), ``dc:rights``
(and ``copyright`` on a one-article channel), one ``category`` per tag, and
Media RSS for the lead picture (``media:content`` with ``media:title`` = alt,
``media:description`` = caption, ``media:credit`` = credit) plus an
``enclosure``.

Image URLs must be absolute. An ``http(s)`` ``src`` is used as it is (never
fetched unless ``--allow-remote``). A local or ``data:`` picture is always read
through the resource gate (refused or broken: the article fails, as in every
format) and published as ``media/<id>-<hash><ext>`` next to the output, at
``<base_url>media/...``, with the type and extension its content has (a
re-encoded PNG for rasters other than JPEG/PNG/GIF/WebP, a sanitised SVG;
see :mod:`exporter.resources.media`). The writer never writes that file: it
lists it in :meth:`RssWriter.companion_files` and the caller (``export``,
``exporter feed``) copies it through the gate, like every other output. With
no base URL the picture is left out of ``content:encoded`` (its caption and
credit stay there, as text), the item keeps ``media:credit`` but no item-level
``media:description``: feedparser reads an item-level ``media:description`` as
the item's summary, so readers would show the caption instead of the
standfirst. A warning says why the picture is missing.

Nothing here reads the clock: ``lastBuildDate`` is the newest item date.
"""

from __future__ import annotations

import html
import logging
import mimetypes
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, BinaryIO

from exporter.dispatch import BLOCK_KINDS, RuleTable
from exporter.writers import Option, WriteOptions, Writer
from exporter.writers.media_plan import (  # the plan ninjs shares; names kept here
    MEDIA_DIR,  # noqa: F401 (kept importable from here)
    Companion,
    MediaPlan,
    base_url_of,
    is_absolute_http,
    plan_media,
    to_uri,
)

if TYPE_CHECKING:
    from exporter.model import Article
    from exporter.writers.rss.media import MediaImage

log = logging.getLogger("exporter")

MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
GENERATOR = "exporter"


# --- what goes into a feed ------------------------------------------------------------


@dataclass(frozen=True)
class Channel:
    """The feed-level fields."""

    title: str
    link: str
    description: str
    language: str | None = None
    #: where the feed itself is published (``atom:link rel="self"``), if known
    self_url: str | None = None
    #: ``lastBuildDate`` / Atom ``updated``; None: no ``lastBuildDate`` (RSS)
    updated: datetime | None = None
    #: Atom feed ``id``; defaults to the self URL, then the link
    feed_id: str | None = None
    #: Atom feed-level author (entries without bylines need one)
    author: str | None = None
    #: RSS channel ``copyright`` (the one-article feed: the article's rights)
    rights: str | None = None


@dataclass(frozen=True)
class FeedItem:
    """One article, ready for feedgen: every field already worded and rendered."""

    title: str
    link: str | None
    guid: str
    permalink: bool
    published: datetime | None
    updated: datetime | None
    summary: str
    content_html: str
    creators: tuple[str, ...]
    categories: tuple[str, ...]
    image: MediaImage | None = None
    rights: str | None = None
    #: every byline on one line (``dc:creator`` / the Atom ``author``); "" = none
    byline: str = ""
    #: the article's language: ``dc:language`` (RSS), ``xml:lang`` (Atom entry)
    language: str | None = None


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def summary_text(article: Article) -> str:
    """The item ``description``: the standfirst, else the first paragraph, else the headline."""
    from exporter.rendering import inline_text

    if article.standfirst:
        return article.standfirst
    for index, block in enumerate(article.body):
        text = SUMMARY_TEXT.rule_for(block, f"body[{index}]")(block, inline_text).strip()
        if text:
            return text
    return article.headline


def _no_summary(block: Any, inline_text: Any) -> str:
    return ""


#: what each kind of block offers as the item summary (only a paragraph does)
SUMMARY_TEXT = RuleTable("rss summary", BLOCK_KINDS, {
    "paragraph": lambda block, inline_text: inline_text(block.content),
    "heading": _no_summary, "quote": _no_summary, "figure": _no_summary, "list": _no_summary,
})


def _fallback_pubdate(article: Article) -> datetime:
    """An item must carry a pubDate: use ``updated``, else the build time -- never "now"."""
    from exporter.reproducible import build_time

    when = _utc(article.updated) or build_time()
    log.warning("%s: published: missing; the RSS pubDate is %s (set 'published', or "
                "SOURCE_DATE_EPOCH for the build time)", article.origin or article.id,
                when.isoformat())
    return when


def make_item(article: Article, options: WriteOptions, plan: MediaPlan) -> FeedItem:
    """Word and render one article as a feed item (warnings go to the ``exporter`` log)."""
    from exporter.rendering import byline_text, person_text
    from exporter.writers.rss.media import MediaImage

    source = article.origin or article.id
    if plan.missing:
        log.warning("%s: %s: no image URL could be formed (a relative image needs base_url); "
                    "the picture is left out, its caption and credit are kept",
                    source, ", ".join(plan.missing))
    link = to_uri(article.url) if article.url and is_absolute_http(article.url) else None
    if article.url and link is None:
        log.warning("%s: url: %r is not an absolute http(s) URL; the item has no link",
                    source, article.url)
    image = None
    lead = article.lead_image
    if lead is not None:
        url = plan.urls.get(lead.src)
        media_type, width, height, length = plan.facts.get(lead.src, (None, 0, 0, None))
        if media_type is None and url:
            media_type = mimetypes.guess_type(urllib.parse.urlsplit(url).path)[0]
        image = MediaImage(url=url, media_type=media_type, width=width or lead.width,
                           height=height or lead.height, length=length,
                           caption=lead.caption, credit=lead.credit, alt=lead.alt)
    content = options.renderer.article_html(article, lambda img: plan.urls.get(img.src),
                                            microdata=False)
    return FeedItem(
        title=article.headline,
        link=link,
        guid=link or f"urn:exporter:{article.id}",
        permalink=link is not None,
        published=_utc(article.published) or _fallback_pubdate(article),
        updated=_utc(article.updated),
        summary=summary_text(article),
        content_html=content,
        creators=tuple(person_text(p) for p in article.bylines),
        categories=tuple(article.tags),
        image=image,
        rights=article.rights,
        byline=byline_text(article.bylines) if article.bylines else "",
        language=article.language,
    )


# --- feedgen --------------------------------------------------------------------------


def render_feed(channel: Channel, items: Sequence[FeedItem], fmt: str = "rss") -> bytes:
    """The complete RSS 2.0 or Atom 1.0 document, items in the order given."""
    from feedgen.feed import FeedGenerator

    from exporter.reproducible import build_time
    from exporter.writers.rss.media import register

    fg = FeedGenerator()
    register(fg)
    fg.title(channel.title)
    if channel.self_url:
        fg.link(href=channel.self_url, rel="self", type=MEDIA_TYPES[fmt])
    fg.link(href=channel.link, rel="alternate")  # last: feedgen's RSS <link> is the last link
    fg.description(channel.description)
    fg.id(channel.feed_id or channel.self_url or channel.link)
    if channel.language:
        fg.language(channel.language)
    fg.generator(GENERATOR)
    if fmt == "atom":
        fg.author({"name": channel.author or channel.title})
    if channel.updated is not None:
        fg.updated(_utc(channel.updated))
    else:  # never "now": Atom needs a date (SOURCE_DATE_EPOCH or 1980); RSS goes without
        fg.updated(build_time())
        fg.exporter_media.omit_last_build_date = True
    for item in items:
        entry = fg.add_entry(order="append")
        entry.title(item.title)
        links = entry.exporter_media.links
        if item.link:
            links.append({"href": item.link, "rel": "alternate", "type": "text/html"})
        entry.guid(item.guid, permalink=item.permalink)
        if fmt == "rss":  # RSS description is HTML: the plain text must be escaped
            entry.description(html.escape(item.summary, quote=False), isSummary=True)
        else:
            entry.summary(item.summary)
        entry.content(item.content_html, type="html")
        if item.published is not None:
            entry.published(item.published)
        stamp = item.updated or item.published
        if stamp is not None:
            entry.updated(stamp)
        if item.byline:  # one author naming all: feedparser keeps only the last one
            entry.author({"name": item.byline})
            entry.exporter_dc.creators = (item.byline,)
        dc = entry.exporter_dc
        dc.language = item.language
        dc.rights = item.rights
        dc.updated = stamp
        if item.categories:
            entry.category([{"term": term} for term in item.categories])
        if item.rights:
            entry.rights(item.rights)
        image = item.image
        if image is not None:
            entry.exporter_media.image = image
            if image.url and image.length and image.media_type:
                links.append({"href": image.url, "rel": "enclosure", "type": image.media_type,
                              "length": str(image.length)})
        if links:
            entry.link(links)
    if channel.rights and fmt == "rss":
        fg.rights(channel.rights)  # RSS <copyright>
    if fmt == "atom":
        return fg.atom_str(pretty=True)
    data = fg.rss_str(pretty=True)
    if _needs_char_refs(channel, items):
        # RSS Best Practices Profile (the W3C validator's CharacterData rule): plain-text
        # elements whose text looks like markup carry '<' and '&' as hex character
        # references. Same XML, only spelled differently.
        data = data.replace(b"&lt;", b"&#x3C;").replace(b"&amp;", b"&#x26;")
    return data


_MARKUP_LIKE = re.compile(r"&#?\w|<[/a-zA-Z]")


def _needs_char_refs(channel: Channel, items: Sequence[FeedItem]) -> bool:
    texts = [channel.title, channel.description]
    for item in items:
        texts += [item.title, *item.categories]
        if item.image is not None:
            texts += [item.image.caption or "", item.image.alt or "", item.image.credit or ""]
    return any(_MARKUP_LIKE.search(text) for text in texts)


# --- the writer -----------------------------------------------------------------------


class RssWriter(Writer):
    name = "rss"
    suffix = ".rss"
    media_type = "application/rss+xml"
    description = "RSS 2.0, the article as one item (content:encoded, Media RSS, dc:creator)"
    requires = ("feedgen",)
    options = (
        Option("title", str, None, "channel title [default: the title setting, else the headline]"),
        Option("link", str, None, "channel link [default: the article's url, else base_url]"),
        Option("description", str, None, "channel description [default: the item summary]"),
        Option("self_url", str, None, "URL the feed is served at "
               "[default: base_url + <id>.rss]"),
    )

    def write(self, articles: Sequence[Article], stream: BinaryIO, options: WriteOptions) -> None:
        (article,) = articles
        item = make_item(article, options, plan_media(article, options))
        stream.write(render_feed(self.channel(article, item, options), [item], "rss"))

    def companion_files(self, articles: Sequence[Article], options: WriteOptions
                        ) -> list[tuple[str, bytes]]:
        """Files to publish next to the output (``media/...``), as (relative path, bytes).

        The caller writes them (atomically, before the feed) so that the
        media URLs in the feed resolve once the folder is published.
        """
        files: list[tuple[str, bytes]] = []
        for article in articles:
            files += [(c.relpath, c.read()) for c in plan_media(article, options).companions]
        return files

    def channel(self, article: Article, item: FeedItem, options: WriteOptions) -> Channel:
        """A channel for one article: the declared ``title``, ``link``, ``description``, ``self_url``."""
        extra = self.settings(options)
        base = base_url_of(options.base_url)
        link = extra.get("link") or item.link or base or f"urn:exporter:{article.id}"
        self_url = extra.get("self_url") or (f"{base}{article.id}{self.suffix}" if base else None)
        return Channel(
            title=extra.get("title") or options.title or article.headline,
            link=to_uri(link),
            description=extra.get("description") or summary_text(article),
            language=article.language,
            self_url=to_uri(self_url) if self_url else None,
            updated=item.updated or item.published,
            rights=article.rights,
        )

    # -- the feed interface (``exporter feed`` asks the registry for a writer with it) ------

    #: the feeds :meth:`write_feed` writes; ``exporter feed --format`` picks one
    feed_formats: tuple[str, ...] = ("rss", "atom")

    def feed_item(self, article: Article, options: WriteOptions
                  ) -> tuple[FeedItem, list[Companion]]:
        """One article as a feed item, and the files (``media/...``) the item refers to.

        The item is opaque to the caller: it only passes it back to :meth:`write_feed`.
        Each companion has ``relpath`` and ``read()``; the caller writes them next to the
        feed before the feed itself.
        """
        plan = plan_media(article, options)
        return make_item(article, options, plan), plan.companions

    def write_feed(self, items: Sequence[FeedItem], channel: dict[str, Any], stream: BinaryIO,
                   options: WriteOptions, fmt: str = "rss") -> None:
        """The whole feed in ``fmt``, items in the order given.

        ``channel`` holds ``title``, ``link``, ``description``, ``language``,
        ``updated`` (the newest item date, never the clock), ``author`` and
        ``self_url``; without a ``self_url``, ``name`` (the feed's file name) under
        ``options.base_url`` is used when there is a base URL.
        """
        base = base_url_of(options.base_url)
        self_url = channel.get("self_url") or (
            f"{base}{to_uri(channel['name'])}" if base and channel.get("name") else None)
        stream.write(render_feed(Channel(
            title=channel["title"], link=to_uri(channel["link"]),
            description=channel.get("description") or channel["title"],
            language=channel.get("language"), self_url=to_uri(self_url) if self_url else None,
            updated=channel.get("updated"), author=channel.get("author")), items, fmt))
