"""IPTC ninjs (news in JSON) -> the canonical article.

Reads ninjs 2.x and 3.x items (``headlines``, ``descriptions``, ``bodies``,
``associations`` as an array) and, where present, the ninjs 1.x properties
(``headline``, ``description_text``, ``body_html``, ``byline``,
``associations`` as an object). The HTML body is read with the HTML reader's
sanitising block parser; the ninjs properties win over what the body shows.
An item written by exporter's ninjs writer (``profile`` names its markup)
comes back as an equal article: docs/readers.md lists the mapping and the
few things no ninjs property carries.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.errors import InputError
from exporter.readers import Reader, build_article, decode_utf8
from exporter.readers.html import parse_page
from exporter.readers.html.meta import people_from_text
from exporter.readers.json import parse_json
from exporter.readers.text import parse_timestamp
from exporter.text import slugify

if TYPE_CHECKING:
    from exporter.model import Article

log = logging.getLogger("exporter")

PROFILE = "exporter-article-html/1"  # the writer's body markup (exporter.writers.ninjs)
_LEAD_NAMES = ("leadimage", "featureimage", "featuremedia", "mainpicture", "main", "picture")
_STANDFIRST_ROLES = {None, "", "standfirst", "summary", "abstract", "dek", "description",
                     "teaser", "lead", "text", "intro"}
_NINJS_KEYS = (b'"headlines"', b'"headline"', b'"bodies"', b'"body_html"', b'"body_text"',
               b'"descriptions"', b'"description_text"')


class NinjsReader(Reader):
    name = "ninjs"
    suffixes = (".ninjs", ".json")
    description = "IPTC ninjs 1.x-3.x JSON (.ninjs, or .json recognised as ninjs)"
    requires = ("lxml", "nh3")

    @classmethod
    def sniff(cls, data: bytes) -> bool:
        head = data[:1 << 20]
        if data.lstrip()[:1] != b"{" or b'"uri"' not in head or \
                not any(k in head for k in _NINJS_KEYS):
            return False
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return False
        return is_ninjs(doc)

    def read(self, data: bytes, origin: str | Path | None = None) -> Article:
        text = decode_utf8(data, origin)
        doc = parse_json(text, origin)  # every decoder failure as one InputError line
        if not isinstance(doc, dict):
            raise InputError(f"expected a ninjs JSON object, got {type(doc).__name__}",
                             source=origin)
        source = str(origin) if origin is not None else "<input>"
        return build_article(from_ninjs(doc, source), origin)


def is_ninjs(doc: Any) -> bool:
    """A ninjs item: ``uri``, a headline or body in ninjs form, no canonical ``body`` list."""
    if not isinstance(doc, dict) or not isinstance(doc.get("uri"), str):
        return False
    if isinstance(doc.get("body"), list):
        return False
    return any(k in doc for k in ("headlines", "headline", "bodies", "body_html", "body_text",
                                  "descriptions", "description_text"))


def from_ninjs(doc: dict[str, Any], source: str = "<input>") -> dict[str, Any]:
    """A ninjs item (dict) -> the canonical JSON form."""
    html, plain = _bodies(doc)
    page: dict[str, Any] = {}
    if html:
        page = parse_page(html, source, verbatim=doc.get("profile") == PROFILE)
        page.pop("url", None)
    elif plain:
        page = {"body": [{"type": "paragraph", "content": p.strip()}
                         for p in re.split(r"\n\s*\n" if "\n\n" in plain else r"\n", plain)
                         if p.strip()]}
    out: dict[str, Any] = {"body": page.get("body", [])}
    for key in ("kicker", "section", "dateline", "bylines", "corrections", "rights", "direction",
                "language", "standfirst", "headline"):
        if page.get(key):
            out[key] = page[key]
    slug = _str(doc.get("slugline"))
    if slug:
        out["id"] = slug if re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", slug) else slugify(slug)
    headline = _main(doc.get("headlines"), ("main", "", None)) or _str(doc.get("headline"))
    out["headline"] = headline or out.get("headline") or _str(doc.get("title"))
    standfirst = _main(doc.get("descriptions"), _STANDFIRST_ROLES) or \
        _str(doc.get("description_text"))
    ours = doc.get("profile") == PROFILE
    if standfirst and (ours or not _excerpt_of_body(standfirst, out["body"])):
        out["standfirst"] = standfirst
    by = _str(doc.get("by")) or _str(doc.get("byline"))
    if by and not out.get("bylines"):
        out["bylines"] = people_from_text(by)
    if _str(doc.get("located")):
        out["dateline"] = doc["located"]
    if _str(doc.get("language")):
        out["language"] = doc["language"].strip().replace("_", "-")
    _dates(doc, out, source)
    tags, section = _subjects(doc)
    if tags:
        out["tags"] = tags
    if section:
        out["section"] = section
    rights = _str(doc.get("copyrightnotice")) or _str(doc.get("copyrightholder"))
    if rights:
        out["rights"] = rights
    url = _web_url(doc)
    if url:
        out["url"] = url
    lead = _lead_image(doc, page.get("lead_image"), source)
    if lead:
        out["lead_image"] = lead
    _shorthand_attributions(out["body"])
    return {k: v for k, v in out.items() if v not in (None, "", [])}


# --- properties ------------------------------------------------------------------------


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _main(items: Any, roles: Any) -> str | None:
    """The value of the first item with one of ``roles`` (``headlines``, ``descriptions``)."""
    if not isinstance(items, list):
        return None
    found = [i for i in items if isinstance(i, dict) and _str(i.get("value"))]
    plain = [i for i in found if (i.get("contenttype") or "text/plain") == "text/plain"]
    for item in plain or found:
        if item.get("role") in roles:
            value = item["value"]
            if "html" in (item.get("contenttype") or ""):
                from lxml import html as lhtml

                from exporter.readers.html.blocks import text_of

                value = text_of(lhtml.fragment_fromstring(value, create_parent="div"))
            return value
    return None


def _bodies(doc: dict[str, Any]) -> tuple[str | None, str | None]:
    html = plain = None
    bodies = doc.get("bodies")
    if isinstance(bodies, list):
        for body in bodies:
            if not isinstance(body, dict) or not _str(body.get("value")):
                continue
            kind = (body.get("contenttype") or "").lower()
            if "html" in kind and html is None:
                html = body["value"]
            elif kind in ("", "text/plain") and plain is None:
                plain = body["value"]
    return html or _str(doc.get("body_html")), plain or _str(doc.get("body_text"))


def _excerpt_of_body(text: str, body: list[dict[str, Any]]) -> bool:
    """A description that only repeats the start of the first paragraph is no standfirst."""
    first = next((b for b in body if b.get("type") == "paragraph"), None)
    if first is None or not isinstance(first.get("content"), str):
        return False
    stem = " ".join(text.rstrip("…. ").split())
    return bool(stem) and " ".join(first["content"].split()).startswith(stem)


def _dates(doc: dict[str, Any], out: dict[str, Any], source: str) -> None:
    values = {}
    for key in ("firstcreated", "versioncreated", "embargoed"):
        raw = _str(doc.get(key))
        if raw is None:
            continue
        parsed = parse_timestamp(raw)
        if parsed is None:
            log.warning("%s: %s: %r has no UTC offset (or is not a date and time); left out",
                        source, key, raw)
            continue
        values[key] = parsed
    published = values.get("firstcreated")
    updated = values.get("versioncreated")
    if published is None and updated is not None:
        published, updated = updated, None
    if published is not None:
        out["published"] = published.isoformat()
    if updated is not None and updated != published:
        out["updated"] = updated.isoformat()
    elif "updated" in out and published is not None:
        del out["updated"]
    if "embargoed" in values:
        out["embargo"] = values["embargoed"].isoformat()


def _subjects(doc: dict[str, Any]) -> tuple[list[str], str | None]:
    tags: list[str] = []
    section = None
    for key in ("subjects", "subject"):
        items = doc.get(key)
        if not isinstance(items, list):
            continue
        for item in items:
            name = _str(item.get("name")) if isinstance(item, dict) else None
            if name is None:
                continue
            if item.get("rel") == "section" and section is None:
                section = name
            elif name not in tags:
                tags.append(name)
    for keyword in doc.get("keywords") or []:
        if isinstance(keyword, str) and keyword.strip() and keyword not in tags:
            tags.append(keyword)
    return tags, section


def _web_url(doc: dict[str, Any]) -> str | None:
    for rendition in doc.get("renditions") or []:
        if isinstance(rendition, dict) and "html" in (rendition.get("contenttype") or "") and \
                re.match(r"^https?://", rendition.get("href") or ""):
            return rendition["href"]
    return None


def _associations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    assoc = doc.get("associations")
    if isinstance(assoc, dict):  # ninjs 1.x: {name: item}
        return [{"name": k, **v} for k, v in assoc.items() if isinstance(v, dict)]
    return [a for a in assoc or [] if isinstance(a, dict)]


def _lead_image(doc: dict[str, Any], from_body: dict[str, Any] | None, source: str
                ) -> dict[str, Any] | None:
    pictures = [a for a in _associations(doc) if a.get("type") in ("picture", "graphic", None)]
    item = next((a for n in _LEAD_NAMES for a in pictures if a.get("name") == n), None) or \
        next(iter(pictures), None)
    if item is None:
        return from_body
    image: dict[str, Any] = dict(from_body or {})
    caption = _main(item.get("descriptions"), ("caption", "", None)) or \
        _str(item.get("description_text"))
    alt = _main(item.get("descriptions"), ("alt", "alttext", "alt-text", "alternative"))
    credit = _str(item.get("by")) or _str(item.get("byline")) or _str(item.get("creditline"))
    if caption:
        image["caption"] = caption
    if credit:
        image["credit"] = credit
    if alt:
        image["alt"] = alt
    renditions = [r for r in item.get("renditions") or [] if isinstance(r, dict) and r.get("href")]
    if isinstance(item.get("renditions"), dict):  # ninjs 1.x: {name: rendition}
        renditions = [r for r in item["renditions"].values() if isinstance(r, dict) and r.get("href")]
    if not image.get("src") and renditions:
        best = max(renditions, key=lambda r: (r.get("width") or 0) * (r.get("height") or 0))
        image["src"] = best["href"]
        for dim in ("width", "height"):
            if isinstance(best.get(dim), int | float) and best[dim] > 0:
                image[dim] = int(best[dim])
    if not image.get("src"):
        log.warning("%s: lead_image: the picture association has no rendition to show; left out",
                    source)
        return None
    if image.get("alt") is None:
        image["alt"] = image.get("caption") or ""
        log.warning("%s: lead_image.alt: the picture has no alt text; %s", source,
                    "its caption stands in" if image["alt"] else "left empty")
    return image


def _shorthand_attributions(blocks: list[dict[str, Any]]) -> None:
    """A quote's source with only a name is written as the plain-string shorthand."""
    for block in blocks:
        person = block.get("attribution")
        if isinstance(person, dict) and set(person) == {"name"}:
            block["attribution"] = person["name"]
