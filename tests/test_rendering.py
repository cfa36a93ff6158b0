"""The wording module, pinned by strings a person typed.

Every expected value below is written out literally -- never computed by
the function under test -- so a wrong month name, a different UTC-offset
format, corrections oldest-first or another date separator fails here
(issue 14: before, the suite computed its expectations with the very
functions the writers use, and all four mutations passed).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from lxml import etree
from lxml import html as lxml_html

from exporter import load
from exporter.api import export
from exporter.errors import RenderError
from exporter.model import Article, Break, Correction, Em, Image, Link, Paragraph, Person
from exporter.rendering import (
    Part,
    Renderer,
    attribution_parts,
    attribution_text,
    authors_text,
    byline_parts,
    byline_text,
    caption_parts,
    caption_text,
    correction_parts,
    correction_text,
    date_line_parts,
    date_line_text,
    edition_title_text,
    figure_caption_parts,
    figure_label,
    format_date,
    inline_text,
    keywords_text,
    labels,
    parts_html,
    parts_text,
    person_parts,
    person_text,
    rubric_parts,
    rubric_text,
    sorted_corrections,
)
from exporter.rendering.style import Style

from .conftest import fixture_path

PLUS_1 = timezone(timedelta(hours=1))
MINUS_5_30 = timezone(-timedelta(hours=5, minutes=30))
PLUS_14 = timezone(timedelta(hours=14))

ANA = Person(name="Ana Lima", role="Editor", organisation="Daily Post")
BO = Person(name="Bo Chen")
CY = Person(name="Cy Adeyemi", organisation="Wire Service")


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "language", "expected"), [
    (datetime(2026, 3, 2, 18, 30, tzinfo=UTC), "en", "2 March 2026, 18:30 GMT"),
    (datetime(2026, 3, 2, 18, 30, tzinfo=PLUS_1), "en", "2 March 2026, 18:30 GMT+1"),
    (datetime(2024, 1, 5, 23, 30, tzinfo=MINUS_5_30), "en", "5 January 2024, 23:30 GMT-5:30"),
    (datetime(2024, 1, 7, 1, 0, tzinfo=PLUS_14), "en", "7 January 2024, 01:00 GMT+14"),
    (date(2025, 12, 31), "en", "31 December 2025"),
    (datetime(2026, 3, 2, 8, 5, tzinfo=UTC), "en-GB", "2 March 2026, 08:05 GMT"),
    (datetime(2026, 3, 2, 18, 30, tzinfo=UTC), "ar", "2 مارس 2026، 6:30 م غرينتش"),
    (datetime(2026, 3, 2, 18, 30, tzinfo=PLUS_1), "ar", "2 مارس 2026، 6:30 م غرينتش+1"),
    (datetime(2024, 1, 5, 23, 30, tzinfo=MINUS_5_30), "he", "5 בינואר 2024, 23:30 GMT-5:30\u200e"),
    (date(2025, 12, 31), "ar", "31 ديسمبر 2025"),
    (date(2025, 7, 4), "fr", "4 juillet 2025"),
    (datetime(2026, 3, 2, 18, 30, tzinfo=PLUS_1), "fr", "2 mars 2026 à 18:30 UTC+1"),
    (datetime(2026, 3, 2, 18, 30, tzinfo=PLUS_1), "en-US", "March 2, 2026, 6:30\u202fPM GMT+1"),
])
def test_format_date(value, language, expected):
    assert format_date(value, language) == expected


@pytest.mark.parametrize(("month", "name"), [
    (1, "January"), (2, "February"), (3, "March"), (4, "April"), (5, "May"), (6, "June"),
    (7, "July"), (8, "August"), (9, "September"), (10, "October"), (11, "November"),
    (12, "December"),
])
def test_every_english_month_name(month, name):
    assert format_date(date(2025, month, 9)) == f"9 {name} 2025"


def test_the_time_is_the_articles_own_never_converted():
    # 23:30 at -05:30 is 05:00 UTC the next day; the reader sees the newsroom's clock
    assert format_date(datetime(2024, 1, 5, 23, 30, tzinfo=MINUS_5_30)) \
        == "5 January 2024, 23:30 GMT-5:30"


def test_labels_by_primary_language():
    assert labels("en")["published"] == "Published"
    assert labels("en-US")["updated"] == "Updated"
    assert labels("ar")["published"] == "نُشر"
    assert labels("he-IL")["corrections"] == "תיקונים"
    assert labels("fr") == {"published": "Publié le", "updated": "Mis à jour le",
                            "corrections": "Rectificatifs", "contents": "Sommaire",
                            "figure": "Figure", "by": "Par", "page": "Page {page} sur {pages}"}
    assert labels("pt-BR")["updated"] == "Atualizado em"  # pt-BR -> pt


def test_date_line():
    published = datetime(2026, 3, 2, 18, 30, tzinfo=PLUS_1)
    updated = datetime(2026, 3, 3, 8, 15, tzinfo=PLUS_1)
    assert date_line_text(published, updated) \
        == "Published 2 March 2026, 18:30 GMT+1 · Updated 3 March 2026, 08:15 GMT+1"
    assert date_line_text(published, None) == "Published 2 March 2026, 18:30 GMT+1"
    assert date_line_text(None, updated) == "Updated 3 March 2026, 08:15 GMT+1"
    assert date_line_text(None, None) == ""
    assert date_line_text(published, updated, "ar") \
        == "نُشر 2 مارس 2026، 6:30 م غرينتش+1 · حُدّث 3 مارس 2026، 8:15 ص غرينتش+1"
    assert date_line_parts(published, updated) == (
        Part("published", "Published 2 March 2026, 18:30 GMT+1", published),
        Part("dates-sep", " · "),
        Part("updated", "Updated 3 March 2026, 08:15 GMT+1", updated),
    )


# --- people, pictures, header lines ---------------------------------------------------------


def test_person_and_byline():
    assert person_text(ANA) == "Ana Lima, Editor, Daily Post"
    assert person_text(BO) == "Bo Chen"
    assert person_text(CY) == "Cy Adeyemi, Wire Service"
    assert byline_text([ANA, BO, CY]) == "Ana Lima, Editor, Daily Post · Bo Chen · Cy Adeyemi, Wire Service"
    assert byline_text([]) == ""
    assert person_parts(ANA) == (Part("byline-name", "Ana Lima"), Part(None, ", "),
                                 Part("byline-role", "Editor"), Part(None, ", "),
                                 Part("byline-org", "Daily Post"))
    assert byline_parts([BO, CY]) == (
        Part("byline-person", (Part("byline-name", "Bo Chen"),)),
        Part("byline-sep", " · "),
        Part("byline-person", (Part("byline-name", "Cy Adeyemi"), Part(None, ", "),
                               Part("byline-org", "Wire Service"))),
    )
    assert authors_text([ANA, BO, CY]) == "Ana Lima; Bo Chen; Cy Adeyemi"


def test_attribution():
    assert attribution_text(ANA) == "— Ana Lima, Editor, Daily Post"
    assert attribution_text(BO) == "— Bo Chen"
    assert attribution_parts(Person(name="Dee", role="Mayor")) == (
        Part(None, "— "), Part("attribution-name", "Dee"), Part(None, ", "),
        Part("attribution-role", "Mayor"))


@pytest.mark.parametrize(("caption", "credit", "text"), [
    ("Smoke over Aleppo", "AA", "Smoke over Aleppo (AA)"),
    (None, "Agency & Co", "(Agency & Co)"),
    ("Only a caption", None, "Only a caption"),
    (None, None, ""),
])
def test_caption(caption, credit, text):
    image = Image(src="x.jpg", alt="", caption=caption, credit=credit)
    assert caption_text(image) == text


def test_caption_and_figure_parts():
    image = Image(src="x.jpg", alt="", caption="Route map", credit="City Council")
    assert caption_parts(image) == (Part("caption", "Route map"), Part(None, " ("),
                                    Part("credit", "City Council"), Part(None, ")"))
    assert figure_label(3) == "Figure 3"
    assert figure_label(2, "ar") == "شكل 2"
    assert parts_text(figure_caption_parts(3, image)) == "Figure 3: Route map (City Council)"
    assert parts_text(figure_caption_parts(1, image, "he")) == "איור 1: Route map (City Council)"
    bare = Image(src="x.jpg", alt="")
    assert figure_caption_parts(4, bare) == (Part("figure-label", "Figure"), Part(None, " "),
                                             Part("figure-number", "4"))


def test_rubric():
    assert rubric_text("City", "Transport") == "City | Transport"
    assert rubric_text("City", None) == "City"
    assert rubric_text(None, "Analysis") == "Analysis"
    assert rubric_text(None, None) == ""
    assert rubric_parts("City", "Transport") == (Part("section", "City"),
                                                 Part("rubric-sep", " | "),
                                                 Part("kicker", "Transport"))


def test_one_string_metadata_joins():
    assert keywords_text(["Transport", "Trams"]) == "Transport, Trams"
    assert edition_title_text(["One", "Two", "Three"]) == "One · Two · Three"


def test_inline_text():
    content = ("Before ", Em(content=("em ", Link(href="https://x.org", content="link"))),
               Break(), "after")
    assert inline_text(content) == "Before em link\nafter"


# --- corrections ------------------------------------------------------------------------------


def test_correction_line():
    fix = Correction(date=datetime(2026, 3, 3, 8, 15, tzinfo=PLUS_1), text="It is 14 km.")
    assert correction_text(fix) == "3 March 2026, 08:15 GMT+1: It is 14 km."
    assert correction_text(fix, "ar") == "3 مارس 2026، 8:15 ص غرينتش+1: It is 14 km."
    day = Correction(date=date(2025, 1, 3), text="A fix.")
    assert correction_text(day) == "3 January 2025: A fix."
    assert correction_parts(day) == (Part(None, "3 January 2025", date(2025, 1, 3)),
                                     Part("correction-sep", ": "), Part(None, "A fix."))


def test_corrections_newest_first():
    fixes = [
        Correction(date=datetime(2024, 1, 5, 23, 0, tzinfo=UTC), text="late on the 5th"),
        Correction(date=date(2024, 1, 6), text="the 6th, no time"),
        Correction(date=datetime(2024, 1, 7, 1, 0, tzinfo=PLUS_14), text="11:00 UTC on the 6th"),
        Correction(date=datetime(2024, 1, 2, 9, 0, tzinfo=MINUS_5_30), text="oldest"),
    ]
    assert [c.text for c in sorted_corrections(fixes)] == [
        "11:00 UTC on the 6th", "the 6th, no time", "late on the 5th", "oldest"]


_ORDER_SCRIPT = """
import json, time
from datetime import date, datetime, timezone
from exporter.model import Article
from exporter.rendering import sorted_corrections
from exporter.writers import WriteOptions
from lxml import html
fixes = [{"date": "2024-01-05T23:00:00+00:00", "text": "23:00 UTC on the 5th"},
         {"date": "2024-01-06", "text": "the 6th, no time"}]
article = Article.from_data({"headline": "H", "corrections": fixes})
page = html.fromstring(WriteOptions().renderer.article_html(article))
print(json.dumps({"offset": time.strftime("%z"),
                  "sorted": [c.text for c in sorted_corrections(article.corrections)],
                  "html": [p.text_content() for p in page.find_class("correction")]}))
"""


def _order_under(tz: str) -> dict[str, object]:
    env = dict(os.environ, TZ=tz)
    done = subprocess.run([sys.executable, "-c", _ORDER_SCRIPT], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_corrections_order_does_not_depend_on_the_time_zone():
    """A date without a time sorts as midnight UTC: local midnight in Kiritimati (UTC+14)
    is 10:00 UTC the day before, which put the date-only correction after one
    made at 23:00 UTC that day."""
    utc, kiritimati = _order_under("UTC"), _order_under("Pacific/Kiritimati")
    assert (utc["offset"], kiritimati["offset"]) == ("+0000", "+1400")  # the zones took effect
    expected = ["the 6th, no time", "23:00 UTC on the 5th"]
    assert utc["sorted"] == kiritimati["sorted"] == expected
    assert utc["html"] == kiritimati["html"] == [
        "6 January 2024: the 6th, no time", "5 January 2024, 23:00 GMT: 23:00 UTC on the 5th"]


# --- the HTML and DOCX read the same words ---------------------------------------------------


def test_parts_html_keeps_classes_and_escapes():
    when = datetime(2026, 3, 2, 18, 30, tzinfo=PLUS_1)
    assert str(parts_html(byline_parts([Person(name="A <b>", role="R&D")]))) == (
        '<span class="byline-person" itemprop="author" itemscope="itemscope" '
        'itemtype="https://schema.org/Person"><span class="byline-name" itemprop="name">'
        'A &lt;b&gt;</span>, <span class="byline-role" itemprop="jobTitle">R&amp;D</span></span>')
    assert str(parts_html(attribution_parts(Person(name="Dee", organisation="City")))) == (
        '— <cite itemprop="name">Dee</cite>, '
        '<span class="attribution-org" itemprop="affiliation">City</span>')
    assert str(parts_html(date_line_parts(when, None))) == (
        '<time class="published" itemprop="datePublished" datetime="2026-03-02T18:30:00+01:00">'
        'Published 2 March 2026, 18:30 GMT+1</time>')


def test_rendered_html_fixture_header_lines(tmp_path):
    (path,) = export(load(fixture_path("tram-line")), "html", tmp_path)
    page = path.read_text(encoding="utf-8")
    assert ('<p class="dates"><time class="published" itemprop="datePublished" '
            'datetime="2026-03-02T18:30:00+01:00">'
            'Published 2 March 2026, 18:30 GMT+1</time><span class="dates-sep"> · </span>'
            '<time class="updated" itemprop="dateModified" datetime="2026-03-03T08:15:00+01:00">'
            'Updated 3 March 2026, 08:15 GMT+1</time></p>') in page
    tree = lxml_html.fromstring(page.encode("utf-8"))
    (dates,) = tree.find_class("dates")
    assert dates.text_content() \
        == "Published 2 March 2026, 18:30 GMT+1 · Updated 3 March 2026, 08:15 GMT+1"
    (rubric,) = tree.find_class("rubric")
    assert rubric.text_content() == "City | Transport"
    (byline,) = tree.find_class("byline")
    assert byline.text_content() == ("Marta Okonkwo-Silva, Transport correspondent · "
                                     "Declan Ó Briain, City hall reporter")
    captions = [f.text_content() for f in tree.iter("figcaption")]
    assert captions[0] == ("A prototype tram on the test track at the Northgate depot in "
                           "January (Ana Ribeiro/Example News)")
    attributions = [f.text_content() for f in tree.find_class("attribution")]
    assert attributions[0] == "— Ines Carvalho, leader of the council"
    (correction,) = tree.find_class("correction")
    assert correction.text_content() == ("3 March 2026, 08:15 GMT+1: An earlier version of "
                                         "this article gave the route length as 41 km. It is 14 km.")
    assert tree.find(".//meta[@name='keywords']").get("content") \
        == "Transport, Trams, City council, Budget"


def test_rendered_html_fixture_date_line_in_arabic(tmp_path):
    (path,) = export(load(fixture_path("rtl-arabic")), "html", tmp_path)
    tree = lxml_html.fromstring(path.read_bytes())
    (dates,) = tree.find_class("dates")
    assert dates.text_content() == "نُشر 11 مايو 2026، 10:00 ص غرينتش+3"


def test_docx_reads_the_same_words(tmp_path):
    (path,) = export(load(fixture_path("tram-line")), "docx", tmp_path)
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
          "dc": "http://purl.org/dc/elements/1.1/", "cp":
          "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        core = etree.fromstring(z.read("docProps/core.xml"))
    paras: dict[str, list[str]] = {}
    for p in body.iter(f"{{{ns['w']}}}p"):
        style = p.find("w:pPr/w:pStyle", ns)
        text = "".join(t.text or "" for t in p.iter(f"{{{ns['w']}}}t"))
        paras.setdefault(style.get(f"{{{ns['w']}}}val") if style is not None else "", []).append(text)
    assert paras["Rubric"] == ["City | Transport"]
    assert paras["Dates"] == [
        "Published 2 March 2026, 18:30 GMT+1 · Updated 3 March 2026, 08:15 GMT+1"]
    assert paras["Caption"][0] == ("Figure 1: A prototype tram on the test track at the Northgate "
                                   "depot in January (Ana Ribeiro/Example News)")
    assert paras["Caption"][1] == ("Figure 2: Planned route of the riverside line, with the four "
                                   "interchange stops marked (Lisbourne City Council)")
    assert paras["Correction"] == ["3 March 2026, 08:15 GMT+1: An earlier version of this "
                                   "article gave the route length as 41 km. It is 14 km."]
    assert core.find("dc:creator", ns).text == "Marta Okonkwo-Silva; Declan Ó Briain"
    assert core.find("cp:keywords", ns).text == "Transport, Trams, City council, Budget"


# --- the model and the template's dispatch -----------------------------------------------------


def test_with_origin_returns_a_copy(tmp_path):
    article = load(fixture_path("tram-line"))
    before = article.origin
    moved = article.with_origin(tmp_path / "elsewhere" / "story.json")
    assert moved is not article
    assert article.origin == before == fixture_path("tram-line").resolve()
    assert moved.origin == (tmp_path / "elsewhere" / "story.json").resolve()
    assert moved.base_dir == (tmp_path / "elsewhere").resolve()
    assert moved.headline == article.headline


def test_unknown_block_type_fails_loudly():
    """A block kind the template has no branch for is an error, never silently dropped."""
    table = Paragraph.model_construct(type="table", content="cells")
    article = Article(headline="H").with_origin(fixture_path("tram-line"))
    article = article.model_copy(update={"body": (Paragraph(content="ok"), table)})
    with pytest.raises(RenderError) as caught:
        Renderer(Style()).article_html(article)
    assert caught.value.field == "body[1]"
    assert str(caught.value) == (f"{fixture_path('tram-line').resolve()}: body[1]: unknown block "
                                 "type 'table': the article template cannot show it")


def test_edition_title_in_the_epub(tmp_path):
    pytest.importorskip("ebooklib")
    from exporter.api import writer
    from exporter.writers import WriteOptions

    articles = [load(fixture_path(n)) for n in ("tram-line", "deconflict")]
    buf = io.BytesIO()
    writer("epub").write(articles, buf, WriteOptions())
    with zipfile.ZipFile(buf) as z:
        opf = next(n for n in z.namelist() if n.endswith(".opf"))
        title = etree.fromstring(z.read(opf)).find(".//{http://purl.org/dc/elements/1.1/}title")
    assert title.text == ("Council approves €410m riverside tram line after three-year "
                          "fight · US, Russia 'deconflict' document on Syria to be released")
