"""The RSS writer: one article as a complete RSS 2.0 document, read back independently.

Readers: feedparser (given bytes) for what feed readers see, lxml for the
exact elements, html5lib (via feedcheck) for the W3C validator's HTML rules.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import re
from pathlib import Path

import feedparser
import lxml.html
import pytest
from feedcheck import MEDIA, NS, rss_problems
from lxml import etree

from exporter import load
from exporter.api import export, write_one
from exporter.cli import run
from exporter.errors import ResourceError
from exporter.rendering import (
    attribution_text,
    byline_text,
    caption_text,
    inline_text,
)
from exporter.writers import WriteOptions

BASE = "https://news.example.org/feeds/"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _write(article, tmp_path: Path, base_url: str | None = BASE, **extra) -> tuple[Path, bytes]:
    options = WriteOptions(base_url=base_url, extra=extra)
    (path,) = export(article, "rss", tmp_path, options)
    return path, path.read_bytes()


def _item(data: bytes) -> etree._Element:
    items = etree.fromstring(data).findall("channel/item")
    assert len(items) == 1
    return items[0]


def _content_text(item: etree._Element) -> str:
    html = item.findtext("content:encoded", namespaces=NS)
    return _norm(lxml.html.fromstring(html).text_content())


def _article_from(tmp_path: Path, data: dict, name: str = "article.json"):
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return load(path)


# --- every fixture, with a base URL: the full Media RSS ---------------------------------


def test_writer_declares_itself():
    from exporter.api import writer
    from exporter.writers.rss import RssWriter

    w = writer("rss")
    assert isinstance(w, RssWriter)
    assert (w.name, w.suffix, w.media_type, w.requires) == (
        "rss", ".rss", "application/rss+xml", ("feedgen",))
    assert not w.multi_article


def test_fixture_reads_back(article, tmp_path):
    path, data = _write(article, tmp_path)
    assert path.name == f"{article.id}.rss"
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    (entry,) = parsed.entries
    assert entry.title == article.headline
    assert article.standfirst in entry.summary
    assert entry.id and entry.published_parsed
    assert [a.name for a in entry.get("authors", [])] == ([byline_text(article.bylines)]
                                                         if article.bylines else [])
    assert [t.term for t in entry.get("tags", [])] == list(article.tags)
    assert parsed.feed.language == article.language

    item = _item(data)
    assert [e.text for e in item.findall("dc:creator", NS)] == ([byline_text(article.bylines)]
                                                               if article.bylines else [])
    assert [e.text for e in item.findall("category")] == list(article.tags)
    text = _content_text(item)
    for block in article.body:
        if block.type == "paragraph":
            assert _norm(inline_text(block.content)) in text
        elif block.type == "quote" and block.attribution is not None:
            assert _norm(attribution_text(block.attribution)) in text
    for person in article.bylines:
        assert person.name in text
    assert rss_problems(data) == []


def test_fixture_media_rss(article, tmp_path):
    _, data = _write(article, tmp_path)
    item = _item(data)
    lead = article.lead_image
    (content,) = item.findall("media:content", NS)
    url = content.get("url")
    assert url.startswith(BASE + "media/") and content.get("medium") == "image"
    published = tmp_path / url.removeprefix(BASE)
    assert published.read_bytes() == (article.base_dir / lead.src).read_bytes()
    assert content.get("type") == "image/jpeg"
    assert int(content.get("width")) > 0 and int(content.get("height")) > 0
    assert content.findtext("media:description", namespaces=NS) == lead.caption
    assert content.findtext("media:credit", namespaces=NS) == lead.credit
    assert content.findtext("media:title", namespaces=NS) == lead.alt
    (enclosure,) = item.findall("enclosure")
    assert enclosure.get("url") == url and enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) == published.stat().st_size
    assert item.find("media:group", NS) is None
    # caption and credit also in content:encoded, worded by the shared rendering
    assert _norm(caption_text(lead)) in _content_text(item)
    html = item.findtext("content:encoded", namespaces=NS)
    assert f'src="{url}"' in html
    # feedparser sees the same picture
    entry = feedparser.parse(data).entries[0]
    assert entry.media_content[0]["url"] == url
    assert entry.media_credit[0]["content"] == lead.credit
    assert entry.enclosures[0]["href"] == url


def test_namespaces_and_channel(article, tmp_path):
    _, data = _write(article, tmp_path)
    root = etree.fromstring(data)
    for prefix in ("media", "content", "dc", "atom"):
        assert root.nsmap[prefix] == NS[prefix]
    channel = root.find("channel")
    self_link = channel.find("atom:link", NS)
    assert self_link.get("href") == f"{BASE}{article.id}.rss"
    assert self_link.get("rel") == "self"
    expected_link = article.url or BASE
    assert channel.findtext("link") == expected_link


def test_guid_permalink_or_urn(article, tmp_path):
    _, data = _write(article, tmp_path)
    guid = _item(data).find("guid")
    if article.url:
        assert (guid.text, guid.get("isPermaLink")) == (article.url, "true")
        assert _item(data).findtext("link") == article.url
    else:
        assert (guid.text, guid.get("isPermaLink")) == (f"urn:exporter:{article.id}", "false")
        assert _item(data).find("link") is None


def test_same_input_same_bytes_and_no_clock(article, tmp_path):
    _, first = _write(article, tmp_path / "a")
    _, second = _write(article, tmp_path / "b")
    assert first == second
    channel = etree.fromstring(first).find("channel")
    newest = max(d for d in (article.published, article.updated) if d)
    build = feedparser.parse(first).feed.updated_parsed
    assert build[:6] == newest.astimezone(tz=None).utctimetuple()[:6]
    assert channel.find("pubDate") is None


# --- no base URL: caption and credit stay, with a warning -----------------------------------


def test_without_base_url(article, tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="exporter")
    _, data = _write(article, tmp_path, base_url=None)
    item = _item(data)
    lead = article.lead_image
    assert item.find("media:content", NS) is None and item.find("enclosure") is None
    # no item-level media:description: feedparser would report it as the summary
    assert item.find("media:description", NS) is None
    assert feedparser.parse(data).entries[0].summary == article.standfirst
    assert item.findtext("media:credit", namespaces=NS) == lead.credit
    assert item.findtext("description") == article.standfirst
    html = item.findtext("content:encoded", namespaces=NS)
    assert "<img" not in html and _norm(caption_text(lead)) in _content_text(item)
    assert not (tmp_path / "media").exists()
    assert any("no image URL could be formed" in r.getMessage() and "lead_image.src" in r.getMessage()
               and str(article.origin) in r.getMessage() for r in caplog.records)
    assert not feedparser.parse(data).bozo
    # the only validator finding: no self link, since the feed's own URL is unknown
    assert rss_problems(data) == ["channel: no atom:link rel=self"]


# --- unseen articles: awkward fields -----------------------------------------------------


PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()


def _unseen() -> dict:
    return {
        "id": "unseen-story",
        "headline": "Tom & Jerry <b> say \"no\" to 5 < 6",
        "language": "en-GB",
        "published": "2025-01-02T03:04:05+05:45",
        "url": "https://news.example.org/städte/ärger?x=1&y=2",
        "tags": ["Local politics", "A&B"],
        "bylines": ["Solo Reporter"],
        "lead_image": {"src": f"data:image/png;base64,{PNG}", "alt": "A dot",
                       "caption": "A <tiny> dot & more", "credit": "Agency & Co"},
        "body": [
            {"type": "paragraph", "content": "First paragraph with a <tag> & an ampersand."},
            {"type": "quote", "content": "Quoted words.", "attribution": "Plain String Source"},
            {"type": "figure", "image": {"src": "https://cdn.example.org/pic.webp", "alt": "remote"}},
            {"type": "list", "items": ["one", "two"]},
        ],
        "corrections": [{"date": "2025-01-03", "text": "A fix."}],
    }


def test_unseen_article(tmp_path):
    article = _article_from(tmp_path, _unseen())
    _, data = _write(article, tmp_path / "out")
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    entry = parsed.entries[0]
    assert entry.title == article.headline
    # no standfirst: the first paragraph is the description
    assert html.unescape(entry.summary) == "First paragraph with a <tag> & an ampersand."
    item = _item(data)
    assert item.findtext("link") == ("https://news.example.org/st%C3%A4dte/%C3%A4rger?x=1&y=2")
    assert item.findtext("pubDate") == "Wed, 01 Jan 2025 21:19:05 +0000"
    text = _content_text(item)
    assert "— Plain String Source" in text and "A fix." in text
    # the data: picture is published under media/, the remote one used as it is
    content = item.find("media:content", NS)
    assert content.get("type") == "image/png" and content.get("width") == "1"
    assert (tmp_path / "out" / content.get("url").removeprefix(BASE)).read_bytes() == \
        base64.b64decode(PNG)
    assert 'src="https://cdn.example.org/pic.webp"' in item.findtext("content:encoded", namespaces=NS)
    assert rss_problems(data) == []


def test_remote_lead_image_is_not_fetched(tmp_path):
    data = _unseen()
    data["lead_image"] = {"src": "https://cdn.example.org/lead.jpg", "alt": "x", "caption": "Cap",
                          "credit": "Cred", "width": 640, "height": 480}
    article = _article_from(tmp_path, data)
    _, out = _write(article, tmp_path / "out")
    item = _item(out)
    content = item.find("media:content", NS)
    assert content.get("url") == "https://cdn.example.org/lead.jpg"
    assert (content.get("type"), content.get("width"), content.get("height")) == (
        "image/jpeg", "640", "480")
    assert content.findtext(f"{{{MEDIA}}}description") == "Cap"
    assert item.find("enclosure") is None  # its length is unknown without fetching it
    assert rss_problems(out) == []


@pytest.mark.parametrize("base_url", [BASE, None])
def test_refused_image_names_file_and_field(tmp_path, base_url):
    data = _unseen()
    data["lead_image"]["src"] = "../../etc/passwd"
    article = _article_from(tmp_path, data)
    with pytest.raises(ResourceError) as info:  # checked even when no URL is formed
        write_one([article], "rss", tmp_path / "out" / "x.rss", WriteOptions(base_url=base_url))
    assert "lead_image.src" in str(info.value) and "article.json" in str(info.value)
    assert not (tmp_path / "out" / "x.rss").exists()


def test_undated_article_still_has_a_pubdate_never_now(tmp_path, caplog, monkeypatch):
    """The contract wants pubDate on every item; without dates it is the build time."""
    data = _unseen()
    del data["published"]
    article = _article_from(tmp_path, data)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with caplog.at_level("WARNING", logger="exporter"):
        _, out = _write(article, tmp_path / "out")
    item = etree.fromstring(out).find("channel/item")
    assert item.findtext("pubDate") == "Tue, 14 Nov 2023 22:13:20 +0000"
    assert any("published: missing" in r.getMessage() for r in caplog.records)
    assert not feedparser.parse(out).bozo


def test_cli_export_rss(tmp_path):
    from conftest import fixture_path

    code = run(["export", str(fixture_path("tram-line")), "-f", "rss", "-o", str(tmp_path),
                "--base-url", BASE])
    assert code == 0
    data = (tmp_path / "riverside-tram-line-approved.rss").read_bytes()
    urls = [e.get("url") for e in etree.fromstring(data).iter(f"{{{MEDIA}}}content")]
    assert urls and all((tmp_path / u.removeprefix(BASE)).is_file() for u in urls)
    assert len(list((tmp_path / "media").iterdir())) == 2  # lead picture and body figure
