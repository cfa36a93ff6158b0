"""IPTC ninjs 2.1 (news in JSON): the article as a ninjs text item.

Every field goes to a real ninjs 2.1 property (docs/readers.md has the
table); the body is exporter's one HTML rendering of the article
(``Renderer.article_html``), so quote attributions, the kicker, byline roles
and corrections -- which ninjs has no property for -- travel in its markup
and the ninjs reader gets them back. ``profile`` names that markup so the
reader knows it may take its text verbatim.

Output validates against the official schema vendored in
``exporter/schemas/ninjs-schema_2.1.json`` (checked in the tests).
"""

from __future__ import annotations

import json
import re
import urllib.parse
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

from exporter.writers import WriteOptions, Writer

if TYPE_CHECKING:
    from exporter.model import Article, Image

NINJS_VERSION = "2.1"
NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"
#: names the structure of the HTML body: exporter's article rendering, model schema 1
PROFILE = "exporter-article-html/1"
LEAD_ASSOCIATION = "leadimage"


class NinjsWriter(Writer):
    name = "ninjs"
    suffix = ".ninjs"
    media_type = "application/json"
    description = "IPTC ninjs 2.1 JSON (news in JSON) with the lead picture as an association"
    options = ()  # no -O settings: picture URLs are joined to the base_url setting

    def write(self, articles: Sequence[Article], stream: BinaryIO, options: WriteOptions) -> None:
        (article,) = articles
        doc = to_ninjs(article, options)
        stream.write(json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")


def article_uri(article: Article) -> str:
    """The item's identifier: its canonical URL, else a stable URN from the article id."""
    if article.url and re.match(r"^https?://\S+$", article.url):
        return article.url
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'exporter:article:' + article.id)}"


def to_ninjs(article: Article, options: WriteOptions | None = None) -> dict[str, Any]:
    """The ninjs 2.1 document (a dict) of ``article``."""
    from exporter.rendering import byline_text

    options = options or WriteOptions()
    base_url = options.base_url

    def image_url(image: Image) -> str:
        return _absolute(image.src, base_url) or image.src

    uri = article_uri(article)
    doc: dict[str, Any] = {
        "uri": uri,
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA},
        "type": "text",
        "representationtype": "full",
        "profile": PROFILE,
        "slugline": article.id,
        "language": article.language,
        "pubstatus": "usable",
    }
    if article.published:
        doc["firstcreated"] = article.published.isoformat()
    last_change = article.updated or article.published
    if last_change is not None:
        doc["versioncreated"] = last_change.isoformat()
    if article.embargo:
        doc["embargoed"] = article.embargo.isoformat()
    doc["headlines"] = [{"role": "main", "contenttype": "text/plain", "value": article.headline}]
    if article.standfirst:
        doc["descriptions"] = [{"role": "standfirst", "contenttype": "text/plain",
                                "value": article.standfirst}]
    if article.bylines:
        doc["by"] = byline_text(article.bylines)
    if article.dateline:
        doc["located"] = article.dateline
    html = options.renderer.article_html(article, image_url)
    doc["bodies"] = [{"role": "main", "contenttype": "text/html", "value": html}]
    subjects = [{"name": tag} for tag in article.tags]
    if article.section:
        subjects.append({"name": article.section, "rel": "section"})
    if subjects:
        doc["subjects"] = subjects
    if article.rights:
        doc["copyrightnotice"] = article.rights
        holder = _holder(article.rights)
        if holder:
            doc["copyrightholder"] = holder
    if article.url and re.match(r"^https?://\S+$", article.url):
        doc["renditions"] = [{"name": "web", "href": article.url, "contenttype": "text/html"}]
    if article.lead_image:
        doc["associations"] = [_picture(article.lead_image, f"{uri}#lead-image", base_url)]
    return doc


def _picture(image: Image, uri: str, base_url: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {"name": LEAD_ASSOCIATION, "uri": uri, "type": "picture",
                            "representationtype": "partial"}
    descriptions = []
    if image.caption:
        descriptions.append({"role": "caption", "contenttype": "text/plain", "value": image.caption})
    if image.alt:
        descriptions.append({"role": "alt", "contenttype": "text/plain", "value": image.alt})
    if descriptions:
        item["descriptions"] = descriptions
    if image.credit:
        item["by"] = image.credit
    href = _absolute(image.src, base_url)
    if href:
        rendition: dict[str, Any] = {"name": "original", "href": href}
        media_type = _media_type(image.src)
        if media_type:
            rendition["contenttype"] = media_type
        if image.width:
            rendition["width"] = image.width
        if image.height:
            rendition["height"] = image.height
        item["renditions"] = [rendition]
    return item


def _absolute(src: str, base_url: str | None) -> str | None:
    """``src`` as an absolute URI (http(s), data:, or joined to ``base_url``), else None."""
    if re.match(r"^(?:https?:|data:)", src, re.I):
        return src
    if base_url and not re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
        return urllib.parse.urljoin(base_url.rstrip("/") + "/", src)
    return None


def _media_type(src: str) -> str | None:
    m = re.match(r"^data:([\w.+-]+/[\w.+-]+)", src)
    if m:
        return m.group(1)
    import mimetypes

    return mimetypes.guess_type(urllib.parse.urlsplit(src).path)[0]


def _holder(rights: str) -> str | None:
    """``© 2026 Example News Ltd`` -> ``Example News Ltd``."""
    holder = re.sub(r"^(?:copyright\s*)?(?:©|\(c\))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*", "",
                    rights.strip(), flags=re.I).strip(" ,.")
    return holder if holder and holder != rights.strip() else None
