"""The standalone HTML writer and the shared rendering it shows."""

from __future__ import annotations

import io

import lxml.html
import pytest

from exporter import load
from exporter.rendering import attribution_text, byline_text, caption_text, inline_text
from exporter.writers import WriteOptions
from exporter.writers.html import HtmlWriter

from .conftest import ARTICLE_DIRS, fixture_path


def render(article) -> lxml.html.HtmlElement:
    buf = io.BytesIO()
    HtmlWriter().write([article], buf, WriteOptions())
    return lxml.html.fromstring(buf.getvalue())


@pytest.mark.parametrize("name", ARTICLE_DIRS)
def test_contract_fields_visible(name: str) -> None:
    art = load(fixture_path(name))
    doc = render(art)
    text = lambda xp: [" ".join(e.text_content().split()) for e in doc.xpath(xp)]  # noqa: E731
    assert doc.get("lang") == art.language and doc.get("dir") == art.dir
    assert text("//h1") == [art.headline]
    assert text("//title") == [art.headline]
    if art.standfirst:
        assert text("//p[@class='standfirst']") == [art.standfirst]
    if art.bylines:
        assert text("//p[@class='byline']") == [byline_text(art.bylines)]
    lead = doc.xpath("//figure[@class='lead-figure']")[0]
    assert lead.xpath(".//img/@alt") == [art.lead_image.alt]
    assert lead.xpath(".//img/@src")[0].startswith("data:image/")
    assert " ".join(lead.xpath("string(.//figcaption)").split()) == caption_text(art.lead_image)
    body_paras = [" ".join(inline_text(b.content).split()) for b in art.body if b.type == "paragraph"]
    shown = text("//div[@class='article-body']/p[not(@class)]")
    assert shown == body_paras
    quotes = [b for b in art.body if b.type == "quote" and b.attribution]
    assert text("//blockquote/footer") == [attribution_text(q.attribution) for q in quotes]
    assert not doc.xpath("//script|//iframe|//link")


def test_unsafe_links_lose_their_href() -> None:
    art = load(b'{"headline": "L", "body": [{"type": "paragraph", "content": ['
               b'{"type": "link", "href": "javascript:alert(1)", "content": "bad"},'
               b'{"type": "link", "href": "https://ok.example/", "content": "good"}]}]}',
               format="json")
    doc = render(art)
    assert doc.xpath("//a/@href") == ["https://ok.example/"]
    assert "javascript" not in lxml.html.tostring(doc).decode()
    assert "bad" in doc.text_content()


def test_duplicate_headings_get_unique_ids() -> None:
    art = load(b'{"headline": "D", "body": [{"type": "heading", "level": 2, "content": "Same"},'
               b'{"type": "heading", "level": 2, "content": "Same"}]}', format="json")
    ids = render(art).xpath("//h2/@id")
    assert len(ids) == len(set(ids)) == 2


def test_refused_image_names_field(tmp_path) -> None:
    from exporter.errors import ResourceError

    src = tmp_path / "a.json"
    src.write_text('{"headline": "x", "lead_image": {"src": "/etc/passwd", "alt": "a"}}',
                   encoding="utf-8")
    with pytest.raises(ResourceError) as info:
        render(load(src))
    assert info.value.field == "lead_image.src" and "outside" in str(info.value)
