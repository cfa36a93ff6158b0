"""feedgen extensions: Media RSS with caption and credit, and ``dc:creator``.

feedgen's own media extension writes only ``media:content`` attributes and
``media:thumbnail`` (no ``media:description``, ``media:credit`` or
``media:title``) and wraps a single ``media:content`` in a ``media:group``
(an error for the W3C validator: a group needs alternatives). Its Dublin
Core extension is slow for large feeds. These two do exactly what the
consistency contract asks, through feedgen's extension API
(``FeedGenerator.register_extension``).

Imported only when a feed is rendered (feedgen is an optional dependency of
the RSS writer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"

_CONTENT = f"{{{MEDIA_NS}}}content"
_TITLE = f"{{{MEDIA_NS}}}title"
_DESCRIPTION = f"{{{MEDIA_NS}}}description"
_CREDIT = f"{{{MEDIA_NS}}}credit"
_CREATOR = f"{{{DC_NS}}}creator"
_LANGUAGE = f"{{{DC_NS}}}language"
_RIGHTS = f"{{{DC_NS}}}rights"
_ATOM_UPDATED = "{http://www.w3.org/2005/Atom}updated"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class MediaImage:
    """What an item says about its lead picture."""

    #: absolute URL, or None when none could be formed (caption and credit still go out)
    url: str | None
    #: IANA media type, when known
    media_type: str | None = None
    width: int | None = None
    height: int | None = None
    #: size in bytes, when the file was read through the resource gate
    length: int | None = None
    caption: str | None = None
    credit: str | None = None
    #: the alt text: emitted as ``media:title`` of the ``media:content``
    alt: str | None = None


def _text(parent: etree._Element, tag: str, text: str, plain: bool = True) -> None:
    elem = etree.SubElement(parent, tag)
    if plain:
        elem.set("type", "plain")
    elem.text = text


def emit_media(parent: etree._Element, image: MediaImage) -> None:
    """Append the Media RSS elements for ``image`` to an item or entry.

    With a URL: one ``media:content`` (no ``media:group``) holding
    ``media:title`` (alt), ``media:description`` (caption) and
    ``media:credit`` (credit), scoped to that picture. Without one: only
    ``media:credit`` at item level -- an item-level ``media:description``
    is what feedparser reports as the item's summary (it overwrites the
    standfirst), and the caption is in ``content:encoded`` anyway.
    """
    if image.url:
        target = etree.SubElement(parent, _CONTENT)
        target.set("url", image.url)
        if image.media_type:
            target.set("type", image.media_type)
        target.set("medium", "image")
        if image.length:
            target.set("fileSize", str(image.length))
        if image.width:
            target.set("width", str(image.width))
        if image.height:
            target.set("height", str(image.height))
        if image.alt:
            _text(target, _TITLE, image.alt)
        if image.caption:
            _text(target, _DESCRIPTION, image.caption)
    else:
        target = parent
    if image.credit:
        _text(target, _CREDIT, image.credit, plain=False)


class MediaExtension(BaseExtension):
    """Declares the ``media`` prefix (RSS and Atom), plus one channel fix-up.

    feedgen always writes ``lastBuildDate`` (the wall clock unless set); a
    feed with no dated item must not carry one, so ``omit_last_build_date``
    removes it. ``extend_rss`` runs after feedgen built the channel, before
    the items.
    """

    omit_last_build_date = False

    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS}

    def extend_rss(self, rss: etree._Element) -> etree._Element:
        if self.omit_last_build_date:
            channel = rss.find("channel")
            if channel is not None:
                for elem in channel.findall("lastBuildDate"):
                    channel.remove(elem)
        return rss


class MediaEntryExtension(BaseEntryExtension):
    """``entry.exporter_media.image = MediaImage(...)``; ``.links`` for Atom.

    feedgen 1.0 writes Atom entry links with ``href`` only: its loop variable
    is shadowed, so ``rel``, ``type`` and ``length`` are lost and an
    enclosure turns into a second alternate link (lkiesow/python-feedgen#135,
    open). ``links`` (the same dicts given to ``entry.link``) re-emits them.
    """

    def __init__(self) -> None:
        self.image: MediaImage | None = None
        self.links: list[dict[str, str]] = []

    def extend_rss(self, item: etree._Element) -> etree._Element:
        if self.image is not None:
            emit_media(item, self.image)
        return item

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        if self.links:
            for old in entry.findall("link"):
                entry.remove(old)
            for attrs in self.links:
                etree.SubElement(entry, "link", {k: v for k, v in attrs.items() if v})
        return self.extend_rss(entry)


class CreatorExtension(BaseExtension):
    """Declares the ``dc`` prefix (``atom`` is feedgen's own, for ``atom:updated``)."""

    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC_NS}


class CreatorEntryExtension(BaseEntryExtension):
    """Per-item fields feedgen has no RSS place for.

    RSS: ``dc:creator`` (each given; the writer gives one naming every byline),
    ``dc:language``, ``dc:rights`` and ``atom:updated`` (the W3C validator
    accepts it in an RSS 2.0 item; feedparser reports it as ``entry.updated``).
    Atom: ``xml:lang`` on the entry (feedgen writes none), so feedparser
    reports each entry's language in a mixed-language feed.
    """

    def __init__(self) -> None:
        self.creators: tuple[str, ...] = ()
        self.language: str | None = None
        self.rights: str | None = None
        self.updated: datetime | None = None

    def extend_rss(self, item: etree._Element) -> etree._Element:
        for name in self.creators:
            etree.SubElement(item, _CREATOR).text = name
        if self.language:
            etree.SubElement(item, _LANGUAGE).text = self.language
        if self.rights:
            etree.SubElement(item, _RIGHTS).text = self.rights
        if self.updated is not None:
            etree.SubElement(item, _ATOM_UPDATED).text = self.updated.isoformat()
        return item

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        if self.language:
            entry.set(_XML_LANG, self.language)
        return entry


def register(fg: object) -> None:
    """Load the extensions into a ``FeedGenerator``."""
    fg.register_extension("exporter_media", MediaExtension,  # type: ignore[attr-defined]
                          MediaEntryExtension, atom=True, rss=True)
    fg.register_extension("exporter_dc", CreatorExtension,  # type: ignore[attr-defined]
                          CreatorEntryExtension, atom=True, rss=True)
