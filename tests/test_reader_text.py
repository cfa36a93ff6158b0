"""The plain-text reader: scraped article text -> the canonical article."""

from __future__ import annotations

import json
import logging

import pytest

from exporter import load
from exporter.readers.text import TextReader, is_chrome, parse_text, split_caption

from .conftest import FIXTURES, fixture_path

READERS = FIXTURES / "readers"


def body_texts(article) -> list[str]:
    from exporter.rendering import inline_text

    out = []
    for block in article.body:
        if block.type == "list":
            out += [inline_text(i) for i in block.items]
        elif block.type != "figure":
            out.append(inline_text(block.content))
    return out


def test_seed_gives_the_deconflict_fields_exactly():
    article = load(fixture_path("deconflict", "seed.txt"))
    expected = json.loads(fixture_path("deconflict").read_text(encoding="utf-8"))
    assert article.headline == expected["headline"]
    assert article.standfirst == expected["standfirst"]
    assert article.lead_image.caption == expected["lead_image"]["caption"]
    assert article.lead_image.credit == "AA"
    assert article.to_dict()["body"] == expected["body"]
    assert len(article.body) == 11
    assert article.id == expected["id"]


def test_seed_lead_image_alt_and_src_are_documented_fallbacks(caplog):
    with caplog.at_level(logging.WARNING, logger="exporter"):
        article = load(fixture_path("deconflict", "seed.txt"))
    assert article.lead_image.alt == article.lead_image.caption
    assert article.lead_image.src == "seed.jpg"
    assert any("lead_image.alt" in r.getMessage() for r in caplog.records)


def test_harbour_strike_chrome_byline_date_credit_list_trailer():
    article = load(READERS / "harbour-strike.txt")
    assert article.headline == "Dock workers walk out as Lisbon port talks collapse"
    assert article.standfirst == ("Unions say the three-day strike will halt container traffic "
                                  "at Europe's westernmost deep-water port")
    assert [p.name for p in article.bylines] == ["Ana Costa", "Peter Lindqvist"]
    assert article.published.isoformat() == "2026-03-04T14:05:00+00:00"
    assert article.lead_image.caption == ("Cranes stand idle at the Alcântara container terminal "
                                          "on Tuesday morning.")
    assert article.lead_image.credit == "Rui Duarte/Reuters"
    assert article.tags == ("Portugal", "Ports", "Labour")
    assert article.rights == "© 2026 Example Wire Services"
    kinds = [b.type for b in article.body]
    assert kinds.count("paragraph") == 8
    assert kinds.count("heading") == 1 and kinds.count("list") == 1
    lst = next(b for b in article.body if b.type == "list")
    assert lst.items == ("a night-shift premium of 25 percent",
                         "two more crane operators on every shift",
                         "a written guarantee that no jobs move to Sines")
    text = "\n".join(body_texts(article))
    for chrome in ("Skip to content", "Share this article", "Advertisement", "Read more",
                   "cookies", "Most read", "Subscribe", "Sign in", "Menu", "Portugal ›"):
        assert chrome not in text
    # Body lines that merely start like chrome or bylines stay body, verbatim.
    assert "By the end of the week, shipping lines expect delays of up to four days for cargo " \
        "bound for the Azores and Madeira." in text
    assert "Search teams from the harbour authority will keep the passenger quays open " \
        "throughout the strike." in text
    # Trailing spaces trimmed, nothing else.
    assert article.body[0].content.endswith("for the second time in a month.")


def test_no_caption_no_standfirst_keeps_every_paragraph():
    article = load(READERS / "quay-flooding.txt")
    assert article.headline == "Flood barriers fail on Quay Street for the second winter running"
    assert article.standfirst is None
    assert article.lead_image is None
    assert [b.type for b in article.body] == ["paragraph"] * 5
    assert article.body[0].content.startswith("Residents of the lower quay were evacuated")
    text = "\n".join(body_texts(article))
    for chrome in ("Listen to this article", "4 min read", "Scroll to continue", "Share on",
                   "Copy link", "Related articles", "Council approves"):
        assert chrome not in text


def test_parenthesised_agency_credit_without_standfirst():
    article = load(READERS / "ferry-fares.txt")
    assert article.headline == "Ferry fares to rise by a fifth from April"
    assert article.standfirst is None
    assert article.lead_image.caption == ("Passengers queue for the 7.40 ferry at Ferry Terminal "
                                          "on Monday")
    assert article.lead_image.credit == "Reuters/Ana Costa"
    assert len(article.body) == 3
    assert not {"Print", "Comments", "Cookie settings", "Follow us on X"} & set(body_texts(article))


def test_credit_on_its_own_line_and_naive_date_warns(caplog):
    with caplog.at_level(logging.WARNING, logger="exporter"):
        article = load(READERS / "mill-fire.txt")
    assert article.standfirst == ("Firefighters were called shortly after midnight and fought "
                                  "the blaze until dawn")
    assert article.lead_image.caption == "The roof of the mill collapsed at about 3am"
    assert article.lead_image.credit == "Tomás Reyes/Example Press"
    assert article.updated is None and article.published is None
    assert any("updated" in r.getMessage() and "UTC offset" in r.getMessage()
               for r in caplog.records)
    assert len(article.body) == 3


def test_bbc_style_labels_nav_words_relative_time_and_topics():
    article = load(READERS / "tram-drivers.txt")
    assert article.headline == "Tram drivers to strike on Friday over rosters"
    assert article.standfirst == ("Drivers say new rosters leave them with less than eleven hours "
                                  "between shifts")
    assert [(p.name, p.role) for p in article.bylines] == [("JANE DOE", "Transport reporter")]
    assert article.lead_image.caption == "Drivers outside the Northgate depot on Wednesday"
    assert article.lead_image.credit == "Getty Images"
    assert [b.type for b in article.body] == ["paragraph"] * 3
    text = "\n".join(body_texts(article))
    for chrome in ("About sharing", "Related Topics", "Trams\n", "Strikes", "2 hours ago",
                   "Image source", "Accessibility"):
        assert chrome not in text


@pytest.mark.parametrize("line", [
    "Skip to main content", "ADVERTISEMENT", "Menu", "Search", "Share this article",
    "Read more", "Sign in", "Subscribe", "Cookie settings", "Share on WhatsApp",
    "Advertisement - Scroll to continue", "Read more: Why ports are short of crane operators",
    "We use cookies to improve your experience. Accept all", "3 min read", "•",
])
def test_chrome_lines(line):
    assert is_chrome(line)


@pytest.mark.parametrize("line", [
    "Search teams found the wreck on Tuesday.",
    "Menu prices rose by 8 percent last year.",
    "Read more widely, the report says, and the numbers look worse.",
    "The bakery's cookies sold out by noon, the owner said.",
    "Subscribers will get the new app on Monday.",
    "Advertisement revenue fell by a third.",
])
def test_body_lines_are_never_chrome(line):
    assert not is_chrome(line)


@pytest.mark.parametrize(("line", "expected"), [
    ("Smoke rises over Aleppo on 17 October 2015 (AA)",
     ("Smoke rises over Aleppo on 17 October 2015", "AA")),
    ("Police at the scene (Reuters/Ana Costa)", ("Police at the scene", "Reuters/Ana Costa")),
    ("Workers on Quay Street. Photo: Ana Costa", ("Workers on Quay Street.", "Ana Costa")),
    ("The depot at dawn | Credit: City Council", ("The depot at dawn", "City Council")),
    ("Officials said the group (IS) was behind it.", None),
    ("The minister (pictured) resigned on Monday", None),
    ("Firefighters at the scene (AFP via Getty Images)",
     ("Firefighters at the scene", "AFP via Getty Images")),
    ("Firefighters at the scene (Photo: AFP)", ("Firefighters at the scene", "AFP")),
    ("Firefighters at the scene. Image credit: Jane Doe/PA",
     ("Firefighters at the scene.", "Jane Doe/PA")),
])
def test_caption_credit_split(line, expected):
    assert split_caption(line) == expected


def test_hard_wrapped_text_is_joined_and_arabic_is_guessed():
    text = ("Headline of a wrapped story\n\n"
            "This paragraph was wrapped by an e-mail client at a fixed width so\n"
            "that it spans three lines of text, which belong to one paragraph\n"
            "and must be read as one.\n\n"
            "Second paragraph.\n")
    doc = parse_text(text)
    assert [b["content"] for b in doc["body"]] == [
        "This paragraph was wrapped by an e-mail client at a fixed width so that it spans "
        "three lines of text, which belong to one paragraph and must be read as one.",
        "Second paragraph."]
    arabic = parse_text("افتتاح عيادة جديدة\n\nافتتحت وزارة الصحة يوم الاثنين عيادة جديدة.\n")
    assert arabic["language"] == "ar"


def test_not_utf8_is_a_clear_input_error():
    from exporter.errors import InputError

    with pytest.raises(InputError, match="not UTF-8"):
        TextReader().read("Titre\n\nCafé".encode("latin-1"), "x.txt")
