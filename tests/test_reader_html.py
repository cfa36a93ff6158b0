"""The HTML reader: CMS pages and saved web pages -> the canonical article."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from exporter import load
from exporter.readers.html import HtmlReader, parse_page
from exporter.rendering import inline_text

from .conftest import FIXTURES, fixture_path

READERS = FIXTURES / "readers"
ROOT = Path(__file__).resolve().parent.parent
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
    assert "stalling tactic" in text and "Transport; €410m" in text  # table cells, joined by the reader
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


# --- public semantics, not our class names (issue 14, item 4) -------------------------------

MICRODATA_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><title>Harbour wall | Kestrel Gazette</title></head><body>
<main class="kg-story">
<header class="kg-top">
<h1 class="kg-title">Harbour wall to be rebuilt before winter</h1>
<p class="kg-intro" itemprop="description">The port will close the east quay for six weeks</p>
<div class="kg-writers">By
 <span itemprop="author" itemscope itemtype="https://schema.org/Person"><a href="/people/nadia"
  ><span itemprop="name">Nadia Petrov</span></a> <small itemprop="jobTitle">Harbour reporter</small></span>
 and
 <span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Owen
  Hale</span> <span itemprop="affiliation" itemscope itemtype="https://schema.org/Organization"
  ><span itemprop="name">Coast Wire</span></span></span>
</div>
<p><time itemprop="datePublished" datetime="2026-09-01T07:00:00+00:00">1 September</time></p>
</header>
<figure class="kg-media" itemscope itemtype="https://schema.org/ImageObject">
<img src="https://img.kestrel.example/wall.jpg" alt="A cracked stone harbour wall at low tide"/>
<figcaption><span itemprop="caption">The east wall after the March storm</span>
 <em class="kg-pic">Photograph: <span itemprop="creditText">Lea Brandt</span></em></figcaption>
</figure>
<div class="kg-flow">
<p>The port authority will rebuild the east harbour wall before the winter storms.</p>
<blockquote><p>We cannot leave it another year.</p>
<footer><span itemprop="author" itemscope itemtype="https://schema.org/Person"
 ><span itemprop="name">Ruth Amadi</span>, <span itemprop="jobTitle">harbour master</span>,
 <span itemprop="worksFor">Port of Kestrel</span></span></footer></blockquote>
<p>Work starts on Monday.</p>
</div>
<div class="kg-correction"><strong>Correction</strong>
 <time datetime="2026-09-02">2 September</time> – An earlier version gave the wrong quay.</div>
</main></body></html>"""


def test_page_with_only_schema_org_microdata_and_other_class_names():
    """Another site's classes, none of ours: the people, their roles and organisations,
    the caption and credit and the correction are found by microdata and HTML elements."""
    a = HtmlReader().read(MICRODATA_PAGE.encode(), "kestrel.html")
    assert a.headline == "Harbour wall to be rebuilt before winter"
    assert a.standfirst == "The port will close the east quay for six weeks"
    assert [(p.name, p.role, p.organisation) for p in a.bylines] == [
        ("Nadia Petrov", "Harbour reporter", None), ("Owen Hale", None, "Coast Wire")]
    assert a.published.isoformat() == "2026-09-01T07:00:00+00:00"
    assert (a.lead_image.src, a.lead_image.alt) == (
        "https://img.kestrel.example/wall.jpg", "A cracked stone harbour wall at low tide")
    assert (a.lead_image.caption, a.lead_image.credit) == (
        "The east wall after the March storm", "Lea Brandt")
    assert [b.type for b in a.body] == ["paragraph", "quote", "paragraph"]
    quote = a.body[1]
    assert quote.content == "We cannot leave it another year."
    assert (quote.attribution.name, quote.attribution.role, quote.attribution.organisation) == (
        "Ruth Amadi", "harbour master", "Port of Kestrel")
    assert [(c.date.isoformat(), c.text) for c in a.corrections] == [
        ("2026-09-02", "An earlier version gave the wrong quay.")]
    assert "By" not in all_text(a) and "Correction" not in all_text(a)


#: the rendering's own class names, which readers must not need (issue 14, item 4)
_PRIVATE_CLASS = re.compile(r' class="(?:byline-\w+|attribution-\w+|\w+-sep|caption|credit)"')


def _other_wording(page: str) -> str:
    """Our page as if the wording had other separators and the template other classes:
    `` / `` for every separator span, ``; `` inside a person, ``Said by`` for the dash,
    no brackets round a credit; then the private classes deleted."""
    page = re.sub(r'<span class="\w+-sep">[^<]*</span>', " / ", page)
    page = page.replace("</span>, <span", "</span>; <span").replace("</cite>, <span",
                                                                    "</cite>; <span")
    page = page.replace("— <cite", "Said by <cite")
    page = page.replace('</span> (<span class="credit"', '</span> <span class="credit"')
    page = page.replace("</span>)</figcaption>", "</span></figcaption>")
    return _PRIVATE_CLASS.sub("", page)


def test_own_page_reads_back_with_other_separators_and_no_private_class_names(tmp_path):
    """exporter's page with other separators and without the byline, attribution,
    separator, caption and credit classes still reads back to the same article: the
    reader goes by the microdata and elements the page carries, not by our wording."""
    from exporter import export

    source = load(fixture_path("tram-line"))
    (path,) = export(source, "html", tmp_path)
    page = path.read_text(encoding="utf-8")
    stripped = _other_wording(page)
    shown = stripped[stripped.index("<article"):]
    assert 'class="byline-' not in shown and '-sep"' not in shown and " · " not in shown
    assert "Said by <cite" in shown and "</span>; <span" in shown
    back = HtmlReader().read(stripped.encode("utf-8"), "stripped.html")
    assert [(p.name, p.role) for p in back.bylines] == [
        ("Marta Okonkwo-Silva", "Transport correspondent"), ("Declan Ó Briain", "City hall reporter")]
    assert (back.lead_image.caption, back.lead_image.credit) == (
        "A prototype tram on the test track at the Northgate depot in January",
        "Ana Ribeiro/Example News")
    quotes = [b for b in back.body if b.type == "quote"]
    assert [(q.attribution.name, q.attribution.role) for q in quotes] == [
        ("Ines Carvalho", "leader of the council"),
        ("Tomás Reyes", "chair of the Quay Street Traders' Association")]
    assert [(c.date.isoformat(), c.text) for c in back.corrections] == [(
        "2026-03-03T08:15:00+01:00",
        "An earlier version of this article gave the route length as 41 km. It is 14 km.")]
    assert back.to_dict()["body"] == HtmlReader().read(page.encode("utf-8")).to_dict()["body"]


def test_html_reader_source_names_none_of_the_renderings_classes_or_wording():
    """The reader cannot lean on our output: no private class name, no import of the
    rendering (whose wording and separators may change)."""
    sources = sorted((ROOT / "exporter" / "readers" / "html").glob("*.py"))
    assert len(sources) >= 6
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for forbidden in ("byline-", "attribution-role", "attribution-org", "attribution-name",
                          "-sep", "exporter.rendering", "from exporter import rendering"):
            assert forbidden not in text, f"{path.name} names {forbidden!r}"


def test_table_rows_become_paragraphs_with_cells_joined_by_semicolons(caplog):
    page = ("<html><body><article><h1>Fares</h1><p>The new fares:</p><table>"
            "<tr><th>Zone</th><th>Fare</th></tr><tr><td>Inner</td><td>€1.80</td></tr>"
            "</table></article></body></html>")
    with caplog.at_level(logging.WARNING, logger="exporter"):
        a = HtmlReader().read(page.encode(), "fares.html")
    assert [b.content for b in a.body] == ["The new fares:", "Zone; Fare", "Inner; €1.80"]
    assert any("cells joined with '; '" in r.getMessage() for r in caplog.records)
