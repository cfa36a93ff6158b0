"""Every newsroom's language (issue 17): real articles, read back from real files.

Each fixture in ``tests/fixtures/languages/`` is a short article written in its
language (headline, three paragraphs, a quote, two bylines with roles, a
correction, published 2 March 2026 18:30 and updated 3 March 2026 08:15, both
at UTC+01:00). The expected strings below were typed from CLDR's patterns
(long date, short time, the dateTimeFormat joining them -- French with its
``atTime`` "à" -- and the short localized GMT format) and from the
catalogues: they are literal, never computed with the wording under test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from exporter import load
from exporter.api import export
from exporter.rendering import labels, list_text, quotation_marks
from exporter.writers import WriteOptions

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "languages"
ROOT = HERE.parent

#: the date line of each fixture, as a reader must see it
DATE_LINES = {
    "en": "Published 2 March 2026, 18:30 GMT+1 · Updated 3 March 2026, 08:15 GMT+1",
    "fr": "Publié le 2 mars 2026 à 18:30 UTC+1 · Mis à jour le 3 mars 2026 à 08:15 UTC+1",
    "de": "Veröffentlicht am 2. März 2026, 18:30 GMT+1 · Aktualisiert am 3. März 2026, 08:15 GMT+1",
    "es": "Publicado el 2 de marzo de 2026, 18:30 GMT+1 · "
          "Actualizado el 3 de marzo de 2026, 8:15 GMT+1",
    "pt-BR": "Publicado em 2 de março de 2026 18:30 +1 GMT · "
             "Atualizado em 3 de março de 2026 08:15 +1 GMT",
    "it": "Pubblicato il 2 marzo 2026 18:30 GMT+1 · Aggiornato il 3 marzo 2026 08:15 GMT+1",
    "nl": "Gepubliceerd op 2 maart 2026, 18:30 GMT+1 · Bijgewerkt op 3 maart 2026, 08:15 GMT+1",
    "pl": "Opublikowano 2 marca 2026 18:30 GMT+1 · Zaktualizowano 3 marca 2026 08:15 GMT+1",
    "cs": "Publikováno 2. března 2026 18:30 GMT+1 · Aktualizováno 3. března 2026 8:15 GMT+1",
    "fi": "Julkaistu 2. maaliskuuta 2026 18.30 UTC+1 · Päivitetty 3. maaliskuuta 2026 8.15 UTC+1",
    "ru": "Опубликовано 2 марта 2026\u202fг., 18:30 GMT+1 · Обновлено 3 марта 2026\u202fг., 08:15 GMT+1",
    "uk": "Опубліковано 2 березня 2026\u202fр., 18:30 GMT+1 · "
          "Оновлено 3 березня 2026\u202fр., 08:15 GMT+1",
    "tr": "Yayımlanma: 2 Mart 2026 18:30 GMT+1 · Güncellenme: 3 Mart 2026 08:15 GMT+1",
    "zh-Hans": "发布于 2026年3月2日 18:30 GMT+1 · 更新于 2026年3月3日 08:15 GMT+1",
    "zh-Hant": "發布於 2026年3月2日 下午6:30 GMT+1 · 更新於 2026年3月3日 上午8:15 GMT+1",
    "ja": "公開 2026年3月2日 18:30 GMT+1 · 更新 2026年3月3日 8:15 GMT+1",
    "ko": "입력 2026년 3월 2일 오후 6:30 GMT+1 · 수정 2026년 3월 3일 오전 8:15 GMT+1",
    "ar": "نُشر 2 مارس 2026، 6:30 م غرينتش+1 · حُدّث 3 مارس 2026، 8:15 ص غرينتش+1",
    "he": "פורסם 2 במרץ 2026, 18:30 GMT+1\u200e · עודכן 3 במרץ 2026, 8:15 GMT+1\u200e",
    "fa": "منتشرشده 2 مارس 2026، ساعت 18:30 +1 گرینویچ · "
          "به\u200cروزشده 3 مارس 2026، ساعت 8:15 +1 گرینویچ",
    "ur": "شائع شدہ 2 مارچ، 2026 6:30 PM GMT +1 · تازہ کاری 3 مارچ، 2026 8:15 AM GMT +1",
    "hi": "प्रकाशित 2 मार्च 2026, 6:30 pm GMT+1 · अपडेट 3 मार्च 2026, 8:15 am GMT+1",
}

#: (person separator, byline separator): name<p>role<b>name<p>role
SEPARATORS = {tag: (", ", " · ") for tag in DATE_LINES}
SEPARATORS.update({"ar": ("، ", " · "), "fa": ("، ", " · "), "ur": ("، ", " · "),
                   "zh-Hans": ("\u3000", "、"), "zh-Hant": ("\u3000", "、"),
                   "ja": ("\u3000", "、")})

#: (the corrections heading, the EPUB table of contents' title)
HEADINGS = {
    "en": ("Corrections", "Contents"), "fr": ("Rectificatifs", "Sommaire"),
    "de": ("Korrekturen", "Inhalt"), "es": ("Correcciones", "Índice"),
    "pt-BR": ("Correções", "Sumário"), "it": ("Rettifiche", "Indice"),
    "nl": ("Correcties", "Inhoud"), "pl": ("Sprostowania", "Spis treści"),
    "cs": ("Opravy", "Obsah"), "fi": ("Korjaukset", "Sisällys"),
    "ru": ("Исправления", "Содержание"), "uk": ("Виправлення", "Зміст"),
    "tr": ("Düzeltmeler", "İçindekiler"), "zh-Hans": ("更正", "目录"),
    "zh-Hant": ("更正", "目錄"), "ja": ("訂正", "目次"), "ko": ("정정", "목차"),
    "ar": ("تصحيحات", "المحتويات"), "he": ("תיקונים", "תוכן"),
    "fa": ("اصلاحیه‌ها", "فهرست مطالب"), "ur": ("تصحیحات", "فہرست"),
    "hi": ("सुधार", "विषय सूची"),
}

#: English words the rendering adds, which no other language's output may show
ENGLISH = ("Published", "Updated", "Corrections", "Contents")
FOREIGN = [tag for tag in DATE_LINES if tag != "en"]


def _article(tag: str):
    return load(FIXTURES / f"{tag}.json")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Every fixture exported once to HTML, EPUB and DOCX."""
    out: dict[str, dict[str, Path]] = {}
    for tag in DATE_LINES:
        folder = tmp_path_factory.mktemp(tag)
        paths = export(_article(tag), ["html", "epub", "docx"], folder)
        out[tag] = {p.suffix.lstrip("."): p for p in paths}
    return out


def _html_tree(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def _epub_text(path: Path) -> tuple[str, str]:
    """All XHTML text of a book, and its navigation document's text."""
    texts, nav = [], ""
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.endswith((".xhtml", ".html")):
                tree = etree.fromstring(book.read(name))
                text = "".join(tree.itertext())
                texts.append(text)
                if "nav" in name:
                    nav = text
    return "\n".join(texts), nav


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        tree = etree.fromstring(package.read("word/document.xml"))
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return "\n".join("".join(t.text or "" for t in p.iter(f"{ns}t")) for p in tree.iter(f"{ns}p"))


@pytest.mark.parametrize("tag", list(DATE_LINES))
def test_html_date_line_byline_and_corrections(outputs, tag):
    tree = _html_tree(outputs[tag]["html"])
    (dates,) = tree.find_class("dates")
    assert dates.text_content() == DATE_LINES[tag]
    a = json.loads((FIXTURES / f"{tag}.json").read_text(encoding="utf-8"))
    (first, second) = a["bylines"]
    person, between = SEPARATORS[tag]
    (byline,) = tree.find_class("byline")
    assert byline.text_content() == (f"{first['name']}{person}{first['role']}{between}"
                                     f"{second['name']}{person}{second['role']}")
    (heading,) = tree.find_class("corrections-title")
    assert heading.text_content() == HEADINGS[tag][0]
    # machine-readable dates stay ISO 8601
    assert [t.get("datetime") for t in dates.iter("time")] == [
        "2026-03-02T18:30:00+01:00", "2026-03-03T08:15:00+01:00"]


@pytest.mark.parametrize("tag", FOREIGN)
def test_no_english_label_in_html_epub_docx(outputs, tag):
    tree = _html_tree(outputs[tag]["html"])
    texts = {"html": tree.text_content()}
    texts["epub"], nav = _epub_text(outputs[tag]["epub"])
    texts["docx"] = _docx_text(outputs[tag]["docx"])
    for fmt, text in texts.items():
        found = [word for word in ENGLISH if word in text]
        assert not found, f"{fmt} of the {tag} article shows English words {found}"
    assert HEADINGS[tag][1] in nav
    assert DATE_LINES[tag] in texts["docx"]
    assert HEADINGS[tag][0] in texts["docx"]


def test_arabic_attribution_and_byline_in_docx(outputs):
    text = _docx_text(outputs["ar"]["docx"])
    # one Author paragraph per byline (pandoc's author list), each joined with "، "
    assert "ليلى حداد، مراسلة شؤون النقل" in text.splitlines()
    assert "عمر خليل، محرر الشؤون البلدية" in text.splitlines()
    assert "— عمر خليل، محرر الشؤون البلدية" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
@pytest.mark.parametrize(("tag", "counter"), [
    ("fr", "Page 1 sur 1"), ("de", "Seite 1 von 1"), ("ru", "Страница 1 из 1"),
    ("ar", "صفحة 1 من 1"),
])
def test_pdf_page_counter_is_worded_in_the_language(tmp_path, tag, counter):
    (pdf,) = export(_article(tag), "pdf", tmp_path)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=120)
    # pdftotext wraps right-to-left runs in bidi controls and reorders spaces:
    # compare the words and numbers without either
    text = re.sub(r"[\s\u202a-\u202e]", "", done.stdout)
    assert counter.replace(" ", "") in text
    assert "Page1of1" not in text


def test_fallback_by_subtag():
    assert labels("pt-BR")["corrections"] == "Correções"  # pt-BR -> pt
    assert labels("pt-PT")["contents"] == "Sumário"
    assert labels("zh-TW")["contents"] == "目錄"  # -> zh-Hant
    assert labels("zh-HK")["figure"] == "圖"
    assert labels("zh")["contents"] == "目录"  # -> zh-Hans
    assert labels("zh-CN")["published"] == "发布于"
    assert labels("de-AT")["updated"] == "Aktualisiert am"
    assert labels("en-US")["published"] == "Published"


def test_quotation_marks_and_list_separators():
    assert tuple(quotation_marks("fr")) == ("«\u00a0", "\u00a0»", "“", "”")
    assert tuple(quotation_marks("de")) == ("„", "“", "‚", "‘")
    assert tuple(quotation_marks("ja")) == ("「", "」", "『", "』")
    assert tuple(quotation_marks("en")) == ("“", "”", "‘", "’")
    assert tuple(quotation_marks("ru")) == ("«", "»", "„", "“")
    assert list_text(["صحة", "نقل"], "ar") == "صحة، نقل"
    assert list_text(["交通", "城市"], "zh-Hans") == "交通、城市"
    assert list_text(["tram", "city"], "en") == "tram, city"


def test_user_style_overrides_a_catalogue_key_by_key_and_the_date_setting(tmp_path):
    style = tmp_path / "style"
    (style / "locales").mkdir(parents=True)
    (style / "locales" / "fr.toml").write_text('[labels]\ncorrections = "Erratum"\n',
                                               encoding="utf-8")
    (style / "locale.toml").write_text('[dates]\nzone = "none"\n', encoding="utf-8")
    (page,) = export(_article("fr"), "html", tmp_path / "out", WriteOptions(style_dir=style))
    tree = _html_tree(page)
    (heading,) = tree.find_class("corrections-title")
    assert heading.text_content() == "Erratum"
    (dates,) = tree.find_class("dates")
    assert dates.text_content() == ("Publié le 2 mars 2026 à 18:30 · "
                                    "Mis à jour le 3 mars 2026 à 08:15")


_UNKNOWN = {"headline": "Uf em Märt", "language": "{tag}", "published": "2026-03-02T18:30:00+01:00",
            "corrections": [{"date": "2026-03-03", "text": "Korrigiert."}],
            "body": [{"type": "paragraph", "content": "Es git hüt en Märt uf em Platz."}]}


def test_unknown_language_warns_once_per_run(tmp_path):
    """Two articles in a language with no catalogue, three formats: one warning."""
    for name in ("one", "two"):
        data = dict(_UNKNOWN, id=f"uf-{name}", language="xx-CH")
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "exporter", "export", str(tmp_path / "one.json"),
         str(tmp_path / "two.json"), "-f", "html,docx,epub", "-o", str(tmp_path / "out"), "-j", "1"],
        capture_output=True, text=True, timeout=300, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "has no catalogue" in line]
    assert len(warnings) == 1, done.stderr
    assert "'xx-CH'" in warnings[0] and "English" in warnings[0]
    page = (tmp_path / "out" / "uf-one.html").read_text(encoding="utf-8")
    assert "Published 2 March 2026, 18:30 GMT+1" in page  # English words and dates
