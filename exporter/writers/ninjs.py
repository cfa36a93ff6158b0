"""IPTC ninjs 2.1 (news in JSON): the article as a ninjs text item.

Every field goes to a real ninjs 2.1 property (docs/readers.md has the
table); the body is exporter's one HTML rendering of the article
(``Renderer.article_html``), so quote attributions, the kicker, byline roles
and corrections -- which ninjs has no property for -- travel in its markup
and the ninjs reader gets them back. ``profile`` names that markup so the
reader knows it may take its text verbatim.

Pictures follow the RSS writer's media plan
(:mod:`exporter.writers.media_plan`): with a base URL a local picture is
published as ``media/<id>-<hash><ext>`` (listed by :meth:`NinjsWriter.companion_files`,
written by the caller) and both the body and the association's rendition
point there, so every URL in the document names a file the export wrote --
the same file the RSS item names. Renditions carry the picture's pixel
width and height and its real media type. Without a base URL the body keeps
the picture's own relative ``src`` and the association has no rendition.

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
from exporter.writers.media_plan import MediaPlan, plan_media

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

    def companion_files(self, articles: Sequence[Article], options: WriteOptions
                        ) -> list[tuple[str, bytes]]:
        """The pictures the document's URLs name (``media/...``), as (relative path, bytes).

        The same plan as the RSS writer's, so an RSS item and a ninjs document
        of one article published in one folder share the files.
        """
        files: list[tuple[str, bytes]] = []
        for article in articles:
            files += [(c.relpath, c.read()) for c in plan_media(article, options).companions]
        return files


def article_uri(article: Article) -> str:
    """The item's identifier: its canonical URL, else a stable URN from the article id."""
    if article.url and re.match(r"^https?://\S+$", article.url):
        return article.url
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'exporter:article:' + article.id)}"


def to_ninjs(article: Article, options: WriteOptions | None = None) -> dict[str, Any]:
    """The ninjs 2.1 document (a dict) of ``article``."""
    from exporter.rendering import byline_text

    options = options or WriteOptions()
    plan = plan_media(article, options)

    def image_url(image: Image) -> str:
        return plan.urls.get(image.src) or image.src

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
        doc["associations"] = [_picture(article.lead_image, f"{uri}#lead-image", plan)]
    return doc


def _picture(image: Image, uri: str, plan: MediaPlan) -> dict[str, Any]:
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
    href = plan.urls.get(image.src) or _data_uri(image.src)
    if href:
        rendition: dict[str, Any] = {"name": "original", "href": href}
        # read through the gate: the published type and the real pixel size
        facts = plan.facts.get(image.src)
        media_type = facts[0] if facts else _media_type(image.src)
        width = (facts[1] if facts else 0) or image.width
        height = (facts[2] if facts else 0) or image.height
        if media_type:
            rendition["contenttype"] = media_type
        if width:
            rendition["width"] = width
        if height:
            rendition["height"] = height
        item["renditions"] = [rendition]
    return item


def _data_uri(src: str) -> str | None:
    """A ``data:`` picture is its own URL (used when no base URL gave it a file)."""
    return src if re.match(r"^data:", src, re.I) else None


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
