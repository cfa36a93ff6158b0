"""Property-based tests: generated articles exported to every format must verify.

Hypothesis builds articles the fixtures do not cover -- words from Latin,
Greek, Cyrillic, Arabic, Hebrew, CJK and emoji, long unbroken words, empty
optional fields, many figures (small PNG and JPEG files written to a temporary
folder), nested inline marks, quotes with and without attribution, and
characters XML cannot carry (the model strips them with a warning). Each is
exported to PDF, DOCX, EPUB and RSS; no writer may crash, and
:func:`exporter.verify.verify` -- EPUBCheck included, in one JVM for the whole
run -- must find every contract field in every format.

The example count is modest so CI stays fast (PDF is the slow writer) and
the examples are derandomised (the same every run). For a longer, random
exploration::

    EXPORTER_HYPOTHESIS_EXAMPLES=300 python -m pytest tests/test_properties.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from exporter.api import export
from exporter.model import Article
from exporter.verify import epubcheck_session, verify
from exporter.verify.epubcheck import process_runner

FORMATS = ["pdf", "docx", "epub", "rss"]
_ENV = os.environ.get("EXPORTER_HYPOTHESIS_EXAMPLES")
EXAMPLES = int(_ENV) if _ENV else 12
#: Writer bugs these properties found, fixed and now tested as regressions: words longer
#: than a line clipped off the PDF page (6e80481); a link inside a link rendered as nested
#: <a> (a09f70d); an RSS item without `published` had no pubDate; Arabic set in Amiri lost
#: letters from the PDF text layer after a lam-kaf (print.css now puts Noto Naskh first).
#: Open, pinned by a strict xfail test below and steered around until fixed: a picture
#: taller than the page pushes the PDF headline off page one
#: (test_pdf_picture_taller_than_the_page_...): no very tall pictures are generated.
LONG_WORD = (40, 90)

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=_ENV is None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example],
    print_blob=True,
    # In CI a failure is reported as found: shrinking re-renders every format per step and
    # can take longer than the whole suite. Set EXPORTER_HYPOTHESIS_EXAMPLES to shrink too.
    phases=tuple(Phase) if _ENV else (Phase.explicit, Phase.reuse, Phase.generate),
)

# --- text -------------------------------------------------------------------------------

SCRIPTS: dict[str, str] = {
    "latin": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZàéîõüçñßøåæœłşğ",
    "greek": "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΘΛΞΠΣΦΨΩάέήίόύώ",
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЖЗИЙ",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةى",
    "hebrew": "אבגדהוזחטיכלמנסעפצקרשתךםןףץ",
    "cjk": "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去",
    "emoji": "😀🎉👍🚋📰🌍🔥✨",
    "digits": "0123456789",
}
PUNCTUATION = [*".,;:!?()\"'&<>/%€—–-", "...", " - ", "«", "»"]
#: characters XML 1.0 cannot carry: the model removes them (with a warning)
XML_UNSAFE = ["\x00", "\x0b", "\x0c", "\ufffe", "\x7f", "\ud800", "\x1b"]
LANGUAGES = {"en": "latin", "ar": "arabic", "he": "hebrew", "ru": "cyrillic", "el": "greek",
             "zh": "cjk"}


@st.composite
def words(draw, script: str) -> str:
    kind = draw(st.sampled_from(["main"] * 6 + ["other", "other", "long", "punct"]))
    if kind == "long":  # a long unbroken word (URL-like or a compound)
        return draw(st.text(alphabet=SCRIPTS[script] if script != "emoji" else SCRIPTS["latin"],
                            min_size=LONG_WORD[0], max_size=LONG_WORD[1]))
    if kind == "punct":
        return draw(st.sampled_from(PUNCTUATION))
    if kind == "other":
        script = draw(st.sampled_from(sorted(SCRIPTS)))
    return draw(st.text(alphabet=SCRIPTS[script], min_size=1, max_size=9))


@st.composite
def phrase(draw, script: str, min_words: int = 1, max_words: int = 8) -> str:
    """Words of ``script`` (and some others); sometimes an XML-unsafe character in between."""
    parts = [draw(words(script)) for _ in range(draw(st.integers(min_words, max_words)))]
    # at least one real word, so a required field never becomes empty when stripped
    parts.insert(0, draw(st.text(alphabet=SCRIPTS[script], min_size=1, max_size=8)))
    text = " ".join(parts)
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(XML_UNSAFE)) + text[at:]
    return text


def optional(strategy):
    return st.one_of(st.none(), strategy)


def inline(script: str):
    """A plain string, or nested em/strong/link/break nodes."""
    leaf = phrase(script, 1, 4)
    hrefs = st.sampled_from(["https://example.org/a?b=1&c=2", "mailto:desk@example.org",
                             "javascript:alert(1)", "relative/page.html", "http://example.com/"])

    def extend(children):
        node = st.one_of(
            st.builds(lambda c: {"type": "em", "content": c}, children),
            st.builds(lambda c: {"type": "strong", "content": c}, children),
            st.builds(lambda h, c: {"type": "link", "href": h, "content": c}, hrefs, children),
            st.just({"type": "break"}),
            leaf,
        )
        return st.lists(node, min_size=1, max_size=4)

    return st.recursive(leaf, extend, max_leaves=6)


# --- people, images, blocks ---------------------------------------------------------------


def person(script: str):
    return st.one_of(
        phrase(script, 0, 2),  # the plain-string shorthand
        st.fixed_dictionaries({"name": phrase(script, 0, 2)},
                              optional={"role": phrase(script, 0, 3),
                                        "organisation": phrase(script, 0, 2)}),
    )


# "tall.jpg" (10 x 200) is left out while a picture taller than the page breaks the PDF
# page: test_pdf_picture_taller_than_the_page_keeps_the_headline_on_page_one
IMAGE_FILES = ["a.png", "b.png", "c.jpg", "wide.png", "dot.png"]


def image(script: str):
    return st.fixed_dictionaries(
        {"src": st.sampled_from(IMAGE_FILES), "alt": st.one_of(st.just(""), phrase(script, 0, 6))},
        optional={"caption": phrase(script, 0, 10), "credit": phrase(script, 0, 3)},
    )


def block(script: str):
    return st.one_of(
        st.fixed_dictionaries({"type": st.just("paragraph"), "content": inline(script)}),
        st.fixed_dictionaries({"type": st.just("heading"), "level": st.integers(2, 4),
                               "content": phrase(script, 0, 5)}),
        st.fixed_dictionaries({"type": st.just("quote"), "content": inline(script)},
                              optional={"attribution": person(script)}),
        st.fixed_dictionaries({"type": st.just("figure"), "image": image(script)}),
        st.fixed_dictionaries({"type": st.just("list"), "ordered": st.booleans(),
                               "items": st.lists(inline(script), min_size=1, max_size=4)}),
    )


DATES = st.sampled_from(["2026-01-05T09:30:00+00:00", "2025-12-31T23:59:00-05:00",
                         "2026-06-15T12:00:00+03:00"])


@st.composite
def articles(draw) -> dict:
    language = draw(st.sampled_from(sorted(LANGUAGES)))
    script = LANGUAGES[language]
    data: dict = {"headline": draw(phrase(script, 1, 10)), "language": language,
                  "body": draw(st.lists(block(script), min_size=0, max_size=8))}
    optional_fields = {
        "standfirst": phrase(script, 1, 15), "kicker": phrase(script, 0, 2),
        "section": phrase(script, 0, 2), "dateline": phrase(script, 0, 2),
        "rights": phrase(script, 0, 4), "url": st.just("https://news.example.org/story"),
        "published": DATES, "updated": st.just("2026-06-16T08:00:00+00:00"),
        "bylines": st.lists(person(script), min_size=1, max_size=3),
        "tags": st.lists(phrase(script, 0, 1), min_size=1, max_size=4),
        "lead_image": image(script),
        "corrections": st.lists(st.fixed_dictionaries({"date": DATES,
                                                       "text": phrase(script, 1, 8)}),
                                min_size=1, max_size=2),
    }
    empty = {"standfirst": "", "kicker": "", "dateline": "", "rights": "", "bylines": [],
             "tags": [], "corrections": []}
    for key, strategy in optional_fields.items():
        choice = draw(st.integers(0, 5))
        if choice >= 3:
            data[key] = draw(strategy)
        elif choice == 2 and key in empty:  # present but empty
            data[key] = empty[key]
    if draw(st.integers(0, 4)) == 0:  # many figures
        data["body"] += [{"type": "figure", "image": draw(image(script))}
                         for _ in range(draw(st.integers(4, 8)))]
    return data


# --- the property -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def images_dir(tmp_path_factory) -> Path:
    """Small PNG and JPEG files the generated articles refer to."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("images")
    sizes = {"a.png": (24, 16), "b.png": (8, 8), "c.jpg": (32, 20), "wide.png": (300, 10),
             "tall.jpg": (10, 200), "dot.png": (1, 1)}
    for n, (name, size) in enumerate(sizes.items()):
        mode = "RGB" if name.endswith(".jpg") else "RGBA"
        Image.new(mode, size, (40 * n % 256, 90, 160, 255)[: len(mode)]).save(folder / name)
    return folder


@pytest.fixture(scope="module")
def epubcheck_jvm():
    runner = process_runner()
    runner.warm_up()
    with epubcheck_session(runner):
        yield runner


def test_generated_articles_verify_in_every_format(images_dir, epubcheck_jvm):
    counter = iter(range(10**9))

    @SETTINGS
    @given(data=articles())
    def check(data: dict) -> None:
        out = images_dir / f"out-{next(counter)}"
        out.mkdir()
        article = Article.from_data(data, source=images_dir / "article.json")
        export(article, FORMATS, out)  # a writer crash fails here, naming the format
        report = verify(article, out, FORMATS)
        problems = [f"{c.format} {c.field}: {p}" for _, c in report.failures
                    for p in (c.problems or [c.reason])]
        if not report.ok:  # keep the case: the outputs and the article, for a bug report
            (out / "article.json").write_text(article.to_json(), encoding="utf-8")
            problems.append(f"(outputs and article.json in {out})")
        assert report.ok, "\n".join(problems)

    check()



# --- known writer bugs found by these properties (strict: they fail once fixed) ---------------


def _verify_one(tmp_path: Path, data: dict, formats: list[str], epubcheck: bool = False):
    article = Article.from_data(data, source=tmp_path / "article.json")
    out = tmp_path / "out"
    export(article, formats, out)
    return verify(article, out, formats, epubcheck=epubcheck)


def _failures(report) -> str:
    return "\n".join(f"{c.format} {c.field}: {c.reason}" for _, c in report.failures)


LONG_LATIN = "qzxkvbnmwrtp" * 8
LONG_ARABIC = "كلمةطويلةجدا" * 14
LONG_WORD_ARTICLES = [
    {"headline": f"Long {LONG_LATIN} headline", "standfirst": f"Stand {LONG_LATIN} first",
     "language": "en", "published": "2026-01-05T09:30:00+00:00",
     "body": [{"type": "paragraph", "content": f"Body {LONG_LATIN} end."}]},
    {"headline": "كلمات طويلة", "language": "ar", "published": "2026-01-05T09:30:00+00:00",
     "body": [{"type": "paragraph", "content": f"بداية {LONG_ARABIC} نهاية."}]},
]


@pytest.mark.parametrize("data", LONG_WORD_ARTICLES, ids=["latin-headline", "arabic-body"])
def test_long_words_in_docx_epub_rss(tmp_path, data):
    report = _verify_one(tmp_path, data, ["docx", "epub", "rss"])
    assert report.ok, _failures(report)


@pytest.mark.parametrize("data", LONG_WORD_ARTICLES, ids=["latin-headline", "arabic-body"])
def test_pdf_long_words_are_not_clipped(tmp_path, data):
    """Once clipped off the page (print.css had no overflow-wrap; fixed in 6e80481)."""
    report = _verify_one(tmp_path, data, ["pdf"])
    assert report.ok, _failures(report)


def test_rss_item_without_published_has_a_pubdate(tmp_path):
    """Once a bug: no pubDate without `published` (fixed in the RSS writer: build time)."""
    report = _verify_one(tmp_path, {"headline": "No date", "body": [
        {"type": "paragraph", "content": "Text."}]}, ["rss"])
    assert report.ok, _failures(report)


def test_link_inside_a_link_makes_valid_xhtml(tmp_path, epubcheck_jvm):
    """Once <a> inside <a> (EPUBCheck RSC-005; inline_html fixed in a09f70d)."""
    inner = {"type": "link", "href": "https://example.org/b", "content": "inner"}
    report = _verify_one(tmp_path, {"headline": "Links", "published": "2026-01-05T09:30:00+00:00",
                                    "body": [{"type": "paragraph", "content": [
                                        {"type": "link", "href": "https://example.org/a",
                                         "content": ["outer ", inner]}]}]}, ["epub"],
                         epubcheck=True)
    assert report.ok, _failures(report)


def test_pdf_arabic_text_keeps_every_letter(tmp_path):
    """Once a bug: with Amiri first, WeasyPrint mapped a lam glyph to no text after a lam-kaf
    ('سلطان' extracted as 'س طان'); print.css now sets Arabic in Noto Naskh Arabic first."""
    report = _verify_one(tmp_path, {"headline": "عنوان", "language": "ar", "standfirst": "سلكخ",
                                    "body": [{"type": "paragraph", "content": "سلطان"}]},
                         ["pdf"])
    assert report.ok, _failures(report)


@pytest.mark.xfail(strict=True, reason="PDF layout bug: a picture taller than the page "
                   "(10 x 200 px, set at column width) pushes the headline to page 2, leaving "
                   "page 1 with only the section label, and the picture runs into the footer "
                   "(3 pages for a headline and one figure)")
def test_pdf_picture_taller_than_the_page_keeps_the_headline_on_page_one(tmp_path):
    from PIL import Image

    Image.new("RGB", (10, 200), (40, 90, 160)).save(tmp_path / "tall.jpg")
    report = _verify_one(tmp_path, {"headline": "Tall picture", "section": "City", "body": [
        {"type": "figure", "image": {"src": "tall.jpg", "alt": "A tall chart"}}]}, ["pdf"])
    assert report.ok, _failures(report)
