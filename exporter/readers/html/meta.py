"""Structured data of a web page: JSON-LD, Open Graph and <meta> tags, for the HTML reader."""

from __future__ import annotations

import json
import re
from typing import Any

from exporter.readers.html.blocks import person_from_text, text_of
from exporter.readers.text import parse_byline

ARTICLE_TYPES = ("NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
                 "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle",
                 "BlogPosting", "LiveBlogPosting", "SatiricalArticle", "Report", "TechArticle")


def metadata(doc: Any) -> dict[str, Any]:
    """JSON-LD article, meta/OG/microdata values, canonical link, <html lang>, <title>."""
    meta: dict[str, Any] = {"props": {}, "ld": {}}
    props: dict[str, list[str]] = meta["props"]
    for el in doc.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or
               el.get("http-equiv") or "").strip().lower()
        value = el.get("content")
        if key and value is not None and value.strip():
            props.setdefault(key, []).append(value.strip())
    for el in doc.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            props.setdefault("canonical", []).append(el.get("href").strip())
    for el in doc.iter("script"):
        if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
            raw = re.sub(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$", "", el.text.strip())
            try:
                found = ld_article(json.loads(raw, strict=False))
            except (json.JSONDecodeError, RecursionError):
                continue
            if found and not meta["ld"]:
                meta["ld"] = found
    root = doc.getroottree().getroot()
    meta["lang"] = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    meta["dir"] = root.get("dir")
    title = doc.find(".//title")
    meta["title"] = text_of(title) if title is not None else None
    return meta


def ld_article(data: Any, depth: int = 0) -> dict[str, Any] | None:
    if depth > 6:
        return None
    if isinstance(data, list):
        items = [ld_article(x, depth + 1) for x in data]
        articles = [x for x in items if x]
        return next((x for x in articles if "NewsArticle" in str(x.get("@type"))), None) or \
            next(iter(articles), None)
    if not isinstance(data, dict):
        return None
    kinds = data.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if any(k in ARTICLE_TYPES for k in kinds if isinstance(k, str)):
        return data
    for key in ("@graph", "mainEntity", "itemListElement"):
        if key in data:
            found = ld_article(data[key], depth + 1)
            if found:
                return found
    return None


def ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("alternateName")
    if isinstance(value, str | int | float) and str(value).strip():
        return " ".join(str(value).split())
    return None


def ld_people(value: Any) -> list[dict[str, str]]:
    people = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item.strip() and not item.startswith(("http://", "https://")):
            people.append({"name": " ".join(item.split())})
        elif isinstance(item, dict) and (name := ld_text(item.get("name"))):
            person = {"name": name}
            role = ld_text(item.get("jobTitle"))
            org = ld_text(item.get("worksFor") or item.get("affiliation"))
            if role:
                person["role"] = role
            if org:
                person["organisation"] = org
            people.append(person)
    return people


def ld_image(value: Any) -> dict[str, Any] | None:
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, str) and value.strip():
        return {"src": value.strip()}
    if not isinstance(value, dict):
        return None
    src = ld_text(value.get("url") or value.get("contentUrl"))
    if not src:
        return None
    image: dict[str, Any] = {"src": src}
    caption = ld_text(value.get("caption") or value.get("description"))
    credit = ld_text(value.get("creditText") or value.get("copyrightHolder") or value.get("author"))
    if caption:
        image["caption"] = caption
    if credit:
        image["credit"] = credit
    return image


def merge_people(structured: list[dict[str, str]], page: list[dict[str, str]]
                  ) -> list[dict[str, str]]:
    """JSON-LD authors win; a role only the page shows is kept for the same name."""
    if not structured:
        return page
    shown = {p["name"]: p for p in page}
    merged = []
    for person in structured:
        extra = shown.get(person["name"], {})
        merged.append({**{k: v for k, v in extra.items() if k != "name"}, **person})
    return merged


def people_from_text(text: str) -> list[dict[str, str]]:
    text = " ".join(text.split())
    if not re.match(r"^(?:by|words by|written by)\s", text, re.I):
        text = "By " + text
    people = parse_byline(text)
    if people:
        return people
    parts = [person_from_text(p) for p in re.split(r"\s+·\s+|\s+\|\s+", text[3:])]
    return [p for p in parts if p]


def language_tag(value: str | None) -> str | None:
    if not value:
        return None
    tag = value.strip().replace("_", "-")
    return tag if re.match(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$", tag) else None
