"""The HTML reader: CMS pages and saved web pages -> the canonical article."""

from __future__ import annotations

import logging

import pytest

from exporter import load
from exporter.readers.html import HtmlReader, parse_page
from exporter.rendering import inline_text

from .conftest import FIXTURES, fixture_path

READERS = FIXTURES / "readers"
CHROME = ("Advertisement", "Share", "Related", "Most read", "newsletter", "Sign up", "cookie",
          "Subscribe", "googletag", "arcAds", "document.write", "Buy now", "Previous post",
          "Recent Posts", "Great news", "Home", "Privacy", "Partilhar", "Assinar")


def counts(article) -> dict[str, int]:
    out: dict[str, int] = {}
    for block in article.body:
        out[block.type] = out.get(block.type, 0) + 1
    return out


def all_text(article) -> str:
    parts = []
    for block in article.body:
        if block.type == "list":
            parts += [inline_text(i) for i in block.items]
        elif block.type == "figure":
            parts += [block.image.caption or "", block.image.credit or ""]
        else:
            parts.append(inline_text(block.content))
    return "\n".join(parts)


def assert_no_chrome(article) -> None:
    text = all_text(article)
    for word in CHROME:
        assert word not in text, word


def test_arc_like_page_with_json_ld_lazy_image_ads_and_newsletter():
    a = load(READERS / "arc-heatwave.html")
    assert a.headline == "Heatwave pushes city’s water use to a record"
    assert a.standfirst == ("Reservoirs are at 61 percent and the utility is asking households "
                            "to skip the garden hose until Friday")
    assert [(p.name, p.role) for p in a.bylines] == [("Priya Raman", "Climate reporter"),
                                                     ("Tom Becker", "Data editor")]
    assert a.published.isoformat() == "2026-07-14T05:00:00+00:00"
    assert a.updated.isoformat() == "2026-07-14T09:45:00+00:00"
    assert a.language == "en-US" and a.section == "Climate" and a.kicker is None
    assert a.tags == ("Heatwave", "Water", "Utilities")
    assert a.url == "https://www.dailyexample.com/climate/2026/07/14/heatwave-water-record/"
    lead = a.lead_image
    assert lead.src == "https://cdn.dailyexample.com/resizer/reservoir.jpg"  # data-src, not the gif
    assert lead.alt == "A reservoir with a wide band of dry, cracked mud along its shore"
    assert lead.caption == "The Northgate reservoir on Sunday, when it stood at 61 percent of capacity."
    assert lead.credit == "Lena Ortiz/The Daily Example"  # "(Photo: ...)" label and parens gone
    assert (lead.width, lead.height) == (1600, 900)
    assert counts(a) == {"paragraph": 5, "quote": 1, "heading": 1, "figure": 1}
    quote = next(b for b in a.body if b.type == "quote")
    assert quote.content == "“If everyone cut one shower short, we would get through this week without a ban.”"
    assert (quote.attribution.name, quote.attribution.role) == (
        "Helen Okafor", "operations director at Northgate Water")
    figure = next(b for b in a.body if b.type == "figure")
    assert figure.image.credit == "Tom Becker" and figure.image.caption == "Daily water use, in million litres"
    heading = next(b for b in a.body if b.type == "heading")
    assert heading.level == 3 and heading.content == "How the city compares"
    link = a.body[5].content[1]
    assert link.href == "https://www.dailyexample.com/climate/2022/08/drought/"  # resolved
    assert_no_chrome(a)


def test_wordpress_page_entry_meta_wp_caption_cite_and_share_plugins():
    a = load(READERS / "wordpress-bridge.html")
    assert a.headline == "Old swing bridge to reopen to cyclists in May"
    assert a.standfirst is None  # the meta description is an excerpt of the first paragraph
    assert [p.name for p in a.bylines] == ["Joana Silva"]
    assert a.published.isoformat() == "2026-03-09T07:30:00+00:00"
    assert a.updated.isoformat() == "2026-03-09T11:02:41+00:00"
    assert a.language == "en-GB"
    assert a.lead_image.alt == "A black iron swing bridge wrapped in scaffolding over a narrow canal"
    assert a.lead_image.caption == "Scaffolding on the Mill Cut swing bridge in February."
    assert a.lead_image.credit == "Rui Duarte"
    assert counts(a) == {"paragraph": 5, "heading": 1, "quote": 1, "list": 1}
    quote = next(b for b in a.body if b.type == "quote")
    assert (quote.attribution.name, quote.attribution.role) == ("Paulo Mendes", "city engineer")
    assert "Paulo Mendes" not in inline_text(quote.content)
    items = next(b for b in a.body if b.type == "list").items
    assert items[1] == "testing the swing mechanism under load"  # javascript: link -> text
    assert_no_chrome(a)
    assert "Council approves" not in all_text(a)  # the related-posts box


def test_open_graph_only_page(caplog):
    with caplog.at_level(logging.WARNING, logger="exporter"):
        a = load(READERS / "og-only-library.html")
    assert a.headline == "Biblioteca municipal abre ao domingo a partir de abril"
    assert a.standfirst == "A câmara contratou seis funcionários para alargar o horário da biblioteca central"
    assert [p.name for p in a.bylines] == ["Inês Carvalho"]
    assert a.language == "pt" and a.section == "Cidade" and a.tags == ("Cultura", "Bibliotecas")
    # The naive published time is left out with a warning naming the field.
    assert a.published is None
    assert any(r.getMessage().count("published") and "UTC offset" in r.getMessage()
               for r in caplog.records)
    assert a.updated.isoformat() == "2026-02-20T12:30:00+00:00"
    assert a.lead_image.src == "https://jornal.example.pt/img/biblioteca.jpg"
    assert a.lead_image.alt == "Sala de leitura da biblioteca com mesas longas e candeeiros verdes"
    assert a.lead_image.caption is None
    assert counts(a) == {"paragraph": 3}
    assert_no_chrome(a)


def test_malformed_page_with_scripts_iframes_forms_and_unsafe_links():
    a = load(READERS / "malformed-council.html")
    assert a.headline == "Council budget vote delayed by a week"
    assert [(p.name, p.role) for p in a.bylines] == [("Declan Ó Briain", "City hall reporter")]
    assert a.standfirst == ("Councillors postponed the vote on next year's budget after the "
                            "finance committee asked for more time")
    quote = next(b for b in a.body if b.type == "quote")
    assert quote.attribution.name == "Ines Carvalho"
    assert quote.content == '"We would rather be a week late than a million euros wrong."'
    assert counts(a) == {"paragraph": 8, "quote": 1}  # the table's three rows are paragraphs
    text = all_text(a)
    assert "stalling tactic" in text and "Transport | €410m" in text
    assert_no_chrome(a)
    links = [n for b in a.body if b.type == "paragraph" and not isinstance(b.content, str)
             for n in b.content if getattr(n, "type", "") == "link"]
    assert [link.href for link in links] == ["http://news.example.org/budget"]


def test_saved_page_json_ld_graph_microdata_byline_and_picture_credits():
    a = load(READERS / "saved-page-clinic.html")
    assert a.headline == "Night clinic opens in the old town"
    assert a.standfirst == "The clinic will see walk-in patients from 8pm to 8am, seven days a week"
    assert [(p.name, p.role) for p in a.bylines] == [("Laila Haddad", "Health correspondent")]
    assert a.published.isoformat() == "2026-05-11T21:15:00+03:00"
    assert a.kicker == "Health" and a.rights == "© 2026 Example Herald Ltd"
    assert a.url == "https://www.example-herald.com/health/2026/05/11/night-clinic-old-town"
    lead = a.lead_image
    assert lead.src == "./Night clinic opens in the old town - Example Herald_files/clinic-800.jpg"
    assert lead.alt == "A two-storey white building with a red roof and a wooden door, lit at night"
    assert lead.caption == "The clinic building near the old market on its first night"
    assert lead.credit == "Sami Nassar"
    assert counts(a) == {"paragraph": 4, "quote": 1, "figure": 1}
    quote = next(b for b in a.body if b.type == "quote")
    assert (quote.attribution.name, quote.attribution.role) == ("Rami Khatib", "clinic director")
    last = a.body[-1].content
    assert inline_text(last).startswith("The clinic's phone number is 555 0100;")  # tel: -> text
    assert last[1].href == "mailto:advice@health.example"
    assert_no_chrome(a)
    assert "Emergency wait times" not in all_text(a)


def test_exporters_own_html_page_reads_back(fixture_name):
    """The HTML writer's page parses back to the article (images become data: URIs)."""
    from exporter.api import write_one

    source = load(fixture_path(fixture_name))
    target = fixture_path(fixture_name).parent / "_roundtrip_page.html"
    try:
        write_one([source], "html", target)
        back = load(target).to_dict()
    finally:
        target.unlink(missing_ok=True)
    want = source.to_dict()
    for key in ("headline", "standfirst", "kicker", "section", "bylines", "dateline", "published",
                "updated", "tags", "rights", "corrections", "language"):
        assert back.get(key) == want.get(key), key
    for image_key in ("alt", "caption", "credit"):
        assert back["lead_image"].get(image_key) == want["lead_image"].get(image_key)

    def strip(blocks):
        out = []
        for b in blocks:
            b = dict(b)
            if b["type"] == "figure":
                b["image"] = {k: v for k, v in b["image"].items() if k != "src"}
            if isinstance(b.get("attribution"), str):
                b["attribution"] = {"name": b["attribution"]}
            out.append(b)
        return out

    assert strip(back["body"]) == strip(want["body"])


@pytest.mark.parametrize("snippet", [
    '<script>alert(1)</script>', '<iframe src="https://evil.example"></iframe>',
    '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>',
    '<form><input name=a></form>', '<style>p{}</style>', '<object data="x.swf"></object>',
])
def test_hostile_markup_never_reaches_the_model(snippet):
    page = f"<html><body><article><h1>Title</h1><p>Text {snippet} end.</p></article></body></html>"
    a = HtmlReader().read(page.encode(), "hostile.html")
    dumped = a.to_json()
    for bad in ("alert", "evil.example", "onerror", "javascript", "<", "swf"):
        assert bad not in dumped


def test_empty_or_headline_less_html_is_an_input_error():
    from exporter.errors import InputError

    with pytest.raises(InputError, match="headline"):
        HtmlReader().read(b"<html><body><p>No title here.</p></body></html>", "x.html")
    assert parse_page("   ") == {}
