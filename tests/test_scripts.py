"""Every script the catalogues cover, in every format, read back independently.

Short real articles in Chinese, Japanese, Korean, Hindi, Persian and Russian
(tests/fixtures/scripts/) are rendered to PDF and read back with poppler
(pdffonts for the faces embedded, pdftotext for the text); DOCX and EPUB are
read as ZIPs with lxml; the text and HTML readers read CJK and undeclared
languages. A script no installed font covers (Vithkuqi) still warns.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("weasyprint")

from exporter import load
from exporter.readers.html import HtmlReader
from exporter.readers.text import TextReader
from exporter.writers import WriteOptions
from exporter.writers.docx import DocxWriter
from exporter.writers.epub import EpubWriter
from exporter.writers.pdf import PdfWriter

SCRIPTS = Path(__file__).parent / "fixtures" / "scripts"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None or shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdffonts, pdftotext) is not installed")
_PDF: dict[str, tuple[bytes, list[str]]] = {}


def render_pdf(name: str, caplog: pytest.LogCaptureFixture) -> tuple[bytes, list[str]]:
    """The PDF of fixture ``name`` and the warnings logged while rendering it."""
    if name not in _PDF:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="exporter"):
            data = PdfWriter().render([load(SCRIPTS / f"{name}.json")], WriteOptions())
        _PDF[name] = (data, [r.getMessage() for r in caplog.records])
    return _PDF[name]


def poppler(tool: str, data: bytes) -> str:
    args = [tool, "-enc", "UTF-8", "-", "-"] if tool == "pdftotext" else [tool, "-"]
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode("utf-8")


def squash(text: str) -> str:
    """Text without spaces, line breaks, joiners and bidi marks, NFKC-folded."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u200c-\u200f\u202a-\u202e\u2066-\u2069\-]+", "", text)


# (fixture, a face pdffonts must list, the headline pdftotext must find)
PDF_CASES = [
    ("zh", "Noto-Serif-CJK-SC", "长江新大桥今日通车，两岸通勤时间缩短一半"),
    ("ja", "Noto-Serif-CJK-JP", "市立図書館が改修を終えて再開、蔵書は二十万冊に"),
    ("ko", "Noto-Serif-CJK-KR", "부산 야시장, 3년 만에 다시 문 열어"),
    # poppler extracts a pre-base vowel sign (ि) out of order: the words without one
    ("hi", "Noto-Serif-Devanagari", "मानसून समय से पहले केरल"),
    ("fa", "Noto-Naskh-Arabic", None),  # pdftotext reorders Arabic-script lines: fonts only
    ("ru", "Noto-Serif", "В Казани открылся фестиваль на набережной Волги"),
]


@needs_poppler
@pytest.mark.parametrize(("name", "face", "headline"), PDF_CASES, ids=[c[0] for c in PDF_CASES])
def test_pdf_draws_every_script(name: str, face: str, headline: str | None,
                                caplog: pytest.LogCaptureFixture) -> None:
    data, warnings = render_pdf(name, caplog)
    assert not [w for w in warnings if "can draw" in w], warnings
    fonts = poppler("pdffonts", data)
    assert re.search(rf"\+{re.escape(face)}(?:-Bold)?\s", fonts), fonts
    if headline is not None:
        assert squash(headline) in squash(poppler("pdftotext", data))


@needs_poppler
def test_cjk_body_is_set_ragged_in_its_regional_face(caplog: pytest.LogCaptureFixture) -> None:
    """zh-Hans gets the SC face (not JP's by fallback), ja the JP face, no synthetic italic."""
    zh = poppler("pdffonts", render_pdf("zh", caplog)[0])
    ja = poppler("pdffonts", render_pdf("ja", caplog)[0])
    assert "CJK-JP" not in zh and "Oblique" not in zh
    assert "CJK-SC" not in ja


def test_a_script_no_font_covers_still_warns(caplog: pytest.LogCaptureFixture) -> None:
    _, warnings = render_pdf("vithkuqi", caplog)
    assert any("body[0].content: no installed font can draw U+10570" in w for w in warnings), warnings


def test_docx_runs_carry_the_east_asian_face_and_locale() -> None:
    out = io.BytesIO()
    DocxWriter().write([load(SCRIPTS / "zh.json")], out, WriteOptions())
    from lxml import etree

    with zipfile.ZipFile(out) as z:
        document = etree.fromstring(z.read("word/document.xml"))
        styles = etree.fromstring(z.read("word/styles.xml"))
    headline = next(r for r in document.iter(f"{W}r")
                    if "".join(r.itertext()) == "长江新大桥今日通车，两岸通勤时间缩短一半")
    assert headline.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "Noto Serif CJK SC"
    assert headline.find(f"{W}rPr/{W}lang").get(f"{W}eastAsia") == "zh-CN"
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert default.find(f"{W}rFonts").get(f"{W}eastAsia") == "Noto Serif CJK SC"
    assert default.find(f"{W}rFonts").get(f"{W}eastAsiaTheme") is None
    assert default.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"


def test_docx_devanagari_is_a_complex_script() -> None:
    out = io.BytesIO()
    DocxWriter().write([load(SCRIPTS / "hi.json")], out, WriteOptions())
    from lxml import etree

    with zipfile.ZipFile(out) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert default.find(f"{W}rFonts").get(f"{W}cs") == "Noto Serif Devanagari"
    assert default.find(f"{W}lang").get(f"{W}bidi") == "hi-IN"


def test_epub_every_lang_has_its_xml_lang() -> None:
    out = io.BytesIO()
    EpubWriter().write([load(SCRIPTS / "zh.json")], out, WriteOptions())
    from lxml import etree

    checked = 0
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if not name.endswith(".xhtml"):
                continue
            for el in etree.fromstring(z.read(name)).iter():
                if isinstance(el.tag, str) and el.get("lang") is not None:
                    assert el.get(XML_LANG) == el.get("lang"), (name, el.tag)
                    checked += 1
    assert checked >= 3  # html of the chapter and the nav, and the <article>


def test_text_reader_reads_a_chinese_article(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="exporter"):
        article = TextReader().read((SCRIPTS / "zh-bridge.txt").read_bytes(), "zh-bridge.txt")
    assert article.headline == "长江新大桥今日通车"
    assert article.standfirst == "两岸通勤时间缩短一半，预计每天通行车辆超过六万辆"
    assert article.published is not None and article.published.isoformat() == "2026-03-02T18:30:00+08:00"
    assert [b.content for b in article.body] == [
        "经过五年建设，长江新大桥于周一上午正式通车。市交通局表示，过去需要一个多小时的跨江通勤，现在只需不到三十分钟。",
        "大桥采用双层设计，上层为六车道公路，下层预留了轨道交通空间。工程总投资约一百二十亿元。",
        "交通部门提醒市民，通车初期大桥两端可能出现拥堵，建议错峰出行。",
    ]
    assert article.language == "zh"
    guessed = [r.getMessage() for r in caplog.records if "language" in r.getMessage()]
    assert guessed == ["zh-bridge.txt: language: none declared; guessed 'zh' from the text "
                       "(declare the language to be sure)"]


def test_text_reader_a_paragraph_ending_in_a_full_stop_is_body() -> None:
    text = ("长江新大桥今日通车，两岸通勤时间缩短一半\n\n"
            "经过五年建设，长江新大桥于周一上午正式通车。市交通局表示，跨江通勤现在只需不到三十分钟。\n\n"
            "大桥采用双层设计，上层为六车道公路，下层预留了轨道交通空间。\n")
    article = TextReader().read(text.encode(), "bridge.txt")
    assert article.headline == "长江新大桥今日通车，两岸通勤时间缩短一半"
    assert article.standfirst is None
    assert article.body[0].content == "经过五年建设，长江新大桥于周一上午正式通车。市交通局表示，跨江通勤现在只需不到三十分钟。"


def test_text_reader_joins_hard_wrapped_chinese_without_spaces() -> None:
    text = ("长江新大桥今日通车\n\n"
            "经过五年建设，长江新大桥于周一上午正式通车。市交通局表示，过去需要\n"
            "一个多小时的跨江通勤，现在只需不到三十分钟。\n")
    article = TextReader().read(text.encode(), "wrapped.txt")
    assert article.body[0].content == ("经过五年建设，长江新大桥于周一上午正式通车。市交通局表示，过去需要"
                                       "一个多小时的跨江通勤，现在只需不到三十分钟。")


def test_html_page_without_lang_gets_the_guessed_language(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="exporter"):
        article = HtmlReader().read((SCRIPTS / "no-lang.html").read_bytes(), "no-lang.html")
    assert article.language == "fr"
    assert [r.getMessage() for r in caplog.records if "language" in r.getMessage()] == [
        "no-lang.html: language: none declared; guessed 'fr' from the text (declare the language to be sure)"]


def test_html_page_too_short_to_guess_stays_english(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="exporter"):
        article = HtmlReader().read((SCRIPTS / "no-lang-short.html").read_bytes(), "short.html")
    assert article.language == "en"
    assert [r.getMessage() for r in caplog.records if "language" in r.getMessage()] == [
        "short.html: language: none declared and the text is too short to guess it (12 letters); "
        "assumed 'en' (declare the language)"]


def test_cjk_and_devanagari_books_pass_epubcheck(tmp_path: Path) -> None:
    """The :lang() rules of epub.css and the xml:lang attributes are valid EPUB 3."""
    from exporter.verify import epubcheck

    reason = epubcheck.unavailable()
    if reason:
        pytest.skip(f"EPUBCheck cannot run: {reason}")
    books = []
    for name in ("zh", "ja", "hi"):
        path = tmp_path / f"{name}.epub"
        with path.open("wb") as out:
            EpubWriter().write([load(SCRIPTS / f"{name}.json")], out, WriteOptions())
        books.append(path)
    with epubcheck.EpubCheckRunner() as runner:
        reports = runner.check(books)
    for path in books:
        assert reports[path].error is None, reports[path].error
        assert reports[path].problems == [], "\n".join(map(str, reports[path].problems))
