"""DOCX writer: read back with python-docx and, independently, with zipfile + lxml."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from datetime import UTC
from pathlib import Path

import pytest
from lxml import etree

from exporter import Article, load
from exporter.api import writer
from exporter.errors import ResourceError
from exporter.rendering import (
    attribution_text,
    byline_text,
    caption_text,
    format_date,
    inline_text,
    labels,
    sorted_corrections,
)
from exporter.resources import image_fields
from exporter.writers import WriteOptions

from .conftest import ARTICLE_DIRS, fixture_path, load_fixture

ROOT = Path(__file__).resolve().parent.parent
NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
W = f"{{{NS['w']}}}"


def build(article: Article, **options) -> bytes:
    out = io.BytesIO()
    writer("docx").write([article], out, WriteOptions(**options))
    return out.getvalue()


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def read(data: bytes):
    import docx

    return docx.Document(io.BytesIO(data))


def style_of(p: etree._Element) -> str | None:
    found = p.find("w:pPr/w:pStyle", NS)
    return None if found is None else found.get(W + "val")


def text_of(p: etree._Element) -> str:
    """Paragraph text as a reader sees it: w:t, w:br as newline, w:tab; field codes left out."""
    out = []
    for el in p.iter(W + "t", W + "br", W + "tab"):
        out.append(el.text or "" if el.tag == W + "t" else "\n" if el.tag == W + "br" else "\t")
    return "".join(out)


def make_article(tmp_path: Path, data: dict) -> Article:
    path = tmp_path / "article.json"
    path.write_text(json.dumps({"headline": "Test headline", **data}), encoding="utf-8")
    return load(path)


@pytest.fixture
def docx_bytes(article: Article) -> bytes:
    return build(article)


def expected_paragraphs(article: Article) -> list[tuple[str, str]]:
    """(style, text) of every paragraph, derived from the model with the shared wording."""
    words = labels(article.language)
    out: list[tuple[str, str]] = []
    figures = 0

    def figure(image) -> None:
        nonlocal figures
        figures += 1
        cap = caption_text(image)
        out.append(("Picture", ""))
        out.append(("Caption", f"{words['figure']} {figures}" + (f": {cap}" if cap else "")))

    out.append(("Title", article.headline))
    if article.standfirst:
        out.append(("Subtitle", article.standfirst))
    out.extend(("Author", byline_text((p,))) for p in article.bylines)
    dates = [f"{words[k]} {format_date(v, article.language)}"
             for k, v in (("published", article.published), ("updated", article.updated)) if v]
    if dates:
        out.append(("Dates", " · ".join(dates)))
    if article.section or article.kicker:
        out.append(("Rubric", " | ".join(x for x in (article.section, article.kicker) if x)))
    if article.lead_image:
        figure(article.lead_image)
    if article.dateline:
        out.append(("Dateline", article.dateline))
    for block in article.body:
        if block.type == "paragraph":
            out.append(("Body Text", inline_text(block.content)))
        elif block.type == "heading":
            out.append((f"Heading {block.level}", inline_text(block.content)))
        elif block.type == "quote":
            out.append(("Quote", inline_text(block.content)))
            if block.attribution:
                out.append(("Quote Attribution", attribution_text(block.attribution)))
        elif block.type == "figure":
            figure(block.image)
        elif block.type == "list":
            style = "List Number" if block.ordered else "List Bullet"
            out.extend((style, inline_text(item)) for item in block.items)
    if article.corrections:
        out.append(("Corrections Heading", words["corrections"]))
        out.extend(("Correction", f"{format_date(c.date, article.language)}: {c.text}")
                   for c in sorted_corrections(article.corrections))
    if article.rights:
        out.append(("Rights", article.rights))
    return out


# --- structure and wording ------------------------------------------------------------------


def test_every_paragraph_in_its_named_style_with_verbatim_text(article, docx_bytes):
    doc = read(docx_bytes)
    got = [(p.style.name, p.text) for p in doc.paragraphs]
    assert got == expected_paragraphs(article)


def test_headline_is_title_paragraph_and_core_title(article, docx_bytes):
    doc = read(docx_bytes)
    titles = [p.text for p in doc.paragraphs if p.style.name == "Title"]
    assert titles == [article.headline]
    assert doc.core_properties.title == article.headline


def test_core_properties_come_from_the_article(article, docx_bytes):
    core = read(docx_bytes).core_properties
    assert core.author == "; ".join(p.name for p in article.bylines)
    for person in article.bylines:
        assert person.name in core.author
    assert core.subject == (article.standfirst or "")
    assert core.keywords == ", ".join(article.tags)
    assert core.category == (article.section or "")
    assert core.language == article.language
    assert core.last_modified_by == "exporter"
    assert core.revision == 1
    published = article.published.astimezone(UTC).replace(tzinfo=None)
    assert core.created.replace(tzinfo=None) == published
    modified = (article.updated or article.published).astimezone(UTC).replace(tzinfo=None)
    assert core.modified.replace(tzinfo=None) == modified


def test_header_paragraphs_use_named_styles(article, docx_bytes):
    styles = {p.text: p.style.name for p in read(docx_bytes).paragraphs}
    if article.standfirst:
        assert styles[article.standfirst] == "Subtitle"
    for person in article.bylines:
        assert styles[byline_text((person,))] == "Author"
    if article.dateline:
        assert styles[article.dateline] == "Dateline"


def test_quote_attributions(article, docx_bytes):
    paras = read(docx_bytes).paragraphs
    quotes = [b for b in article.body if b.type == "quote"]
    for block in quotes:
        index = next(i for i, p in enumerate(paras) if p.text == inline_text(block.content))
        assert paras[index].style.name == "Quote"
        if block.attribution:
            assert paras[index + 1].style.name == "Quote Attribution"
            assert paras[index + 1].text == attribution_text(block.attribution)


def test_corrections_newest_first_under_their_heading():
    article = load_fixture("tram-line")
    paras = read(build(article)).paragraphs
    heading = next(i for i, p in enumerate(paras) if p.style.name == "Corrections Heading")
    assert paras[heading].text == "Corrections"
    got = [p.text for p in paras[heading + 1:] if p.style.name == "Correction"]
    assert got == [f"{format_date(c.date)}: {c.text}" for c in sorted_corrections(article.corrections)]


def test_emphasis_and_strong_are_run_formatting():
    doc = read(build(load_fixture("tram-line")))
    runs = [r for p in doc.paragraphs for r in p.runs]
    assert any(r.text == "riverside tram line" and r.bold for r in runs)
    assert any(r.text == "six minutes" and r.italic for r in runs)


# --- pictures and captions --------------------------------------------------------------------


def test_caption_follows_picture_with_seq_field_alt_text_and_credit(article, docx_bytes):
    body = part(docx_bytes, "word/document.xml").find("w:body", NS)
    paragraphs = body.findall("w:p", NS)
    pictures = [p for p in paragraphs if p.find(".//w:drawing", NS) is not None]
    images = [image for _, image in image_fields(article)]
    assert len(pictures) == len(images) >= 1
    for number, (p, image) in enumerate(zip(pictures, images, strict=True), start=1):
        doc_pr = p.find(".//wp:docPr", NS)
        assert doc_pr.get("descr") == image.alt
        assert doc_pr.get("title")
        caption = p.getnext()
        assert style_of(caption) == "Caption"
        instr = "".join(caption.xpath(".//w:instrText/text()", namespaces=NS))
        assert re.fullmatch(r"\s*SEQ Figure \\\* ARABIC\s*", instr)
        text = text_of(caption)
        assert text.startswith(f"{labels(article.language)['figure']} {number}")
        assert text.endswith(caption_text(image))
        if image.credit:
            credit_runs = [r for r in caption.findall("w:r", NS)
                           if r.find("w:rPr/w:rStyle", NS) is not None
                           and r.find("w:rPr/w:rStyle", NS).get(W + "val") == "Credit"]
            assert [text_of(r) for r in credit_runs] == [image.credit]


def test_pictures_fill_text_width_keeping_pixel_aspect(article, docx_bytes):
    from PIL import Image as PILImage

    doc = read(docx_bytes)
    section = doc.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    for shape, (_, image) in zip(doc.inline_shapes, image_fields(article), strict=True):
        with PILImage.open(article.base_dir / image.src) as im:
            w, h = im.size
        assert shape.width <= text_width
        assert abs(shape.width / shape.height - w / h) < 0.01
        if w >= h:
            assert shape.width == text_width


def test_webp_and_gif_pictures_are_converted_to_png(tmp_path):
    from PIL import Image as PILImage

    PILImage.new("RGB", (400, 200), "teal").save(tmp_path / "photo.webp", "WEBP")
    PILImage.new("P", (300, 300), 3).save(tmp_path / "anim.gif", "GIF")
    article = make_article(tmp_path, {
        "lead_image": {"src": "photo.webp", "alt": "A teal rectangle", "caption": "Teal"},
        "body": [{"type": "figure", "image": {"src": "anim.gif", "alt": "A square"}}],
    })
    data = build(article)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        media = sorted(n for n in z.namelist() if n.startswith("word/media/"))
        assert media == ["word/media/image1.png", "word/media/image2.png"]
        with PILImage.open(io.BytesIO(z.read(media[0]))) as im:
            assert im.format == "PNG" and im.size == (400, 200)
    shapes = read(data).inline_shapes
    assert abs(shapes[0].width / shapes[0].height - 2) < 0.01
    assert [s._inline.docPr.get("descr") for s in shapes] == ["A teal rectangle", "A square"]


def test_svg_is_refused_naming_the_figure(tmp_path):
    (tmp_path / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<rect width="40" height="20" fill="red"/></svg>', encoding="utf-8")
    article = make_article(tmp_path, {"body": [
        {"type": "paragraph", "content": "Text."},
        {"type": "figure", "image": {"src": "chart.svg", "alt": "A chart"}}]})
    try:
        import cairosvg  # noqa: F401
    except ImportError:
        with pytest.raises(ResourceError) as caught:
            build(article)
        message = str(caught.value)
        assert "body[1].image.src" in message and "SVG" in message
        assert str(article.origin) in message
    else:  # with cairosvg installed the picture is converted instead
        assert read(build(article)).inline_shapes[0]._inline.docPr.get("descr") == "A chart"


# --- links, breaks, lists ---------------------------------------------------------------------


def test_links_are_real_hyperlinks_with_external_relationships():
    data = build(load_fixture("tram-line"))
    document = part(data, "word/document.xml")
    rels = part(data, "word/_rels/document.xml.rels")
    links = document.findall(".//w:hyperlink", NS)
    assert len(links) == 1
    r_id = links[0].get(f"{{{NS['r']}}}id")
    rel = rels.find(f"rel:Relationship[@Id='{r_id}']", NS)
    assert rel.get("Target") == "https://news.example.org/docs/tram-budget.pdf"
    assert rel.get("TargetMode") == "External"
    assert rel.get("Type").endswith("/hyperlink")
    assert text_of(links[0]) == "budget paper"
    assert read(data).paragraphs[12].hyperlinks[0].address == rel.get("Target")  # 2 Author paras


def test_unsafe_links_stay_text_and_breaks_are_breaks(tmp_path):
    article = make_article(tmp_path, {"body": [{"type": "paragraph", "content": [
        "Go ", {"type": "link", "href": "javascript:alert(1)", "content": "here"},
        {"type": "break"}, {"type": "em", "content": [
            {"type": "link", "href": "mailto:desk@example.org", "content": "mail us"}]}]}]})
    data = build(article)
    p = read(data).paragraphs[-1]
    assert p.text == "Go here\nmail us" == inline_text(article.body[0].content)
    links = part(data, "word/document.xml").findall(".//w:hyperlink", NS)
    assert len(links) == 1 and links[0].find(".//w:i", NS) is not None
    assert len(part(data, "word/document.xml").findall(".//w:br", NS)) == 1
    assert b"javascript" not in zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels")


def test_each_ordered_list_restarts_at_one(tmp_path):
    article = make_article(tmp_path, {"body": [
        {"type": "list", "ordered": True, "items": ["a", "b"]},
        {"type": "list", "ordered": False, "items": ["c"]},
        {"type": "list", "ordered": True, "items": ["d"]}]})
    data = build(article)
    doc = part(data, "word/document.xml")
    numbering = part(data, "word/numbering.xml")
    ids = [p.find("w:pPr/w:numPr/w:numId", NS).get(W + "val")
           for p in doc.iter(W + "p") if style_of(p) == "ListNumber"]
    assert ids[0] == ids[1] != ids[2]
    for num_id in (ids[0], ids[2]):
        num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
        assert num.find("w:lvlOverride/w:startOverride", NS).get(W + "val") == "1"
    assert [p.style.name for p in read(data).paragraphs[1:]] == [
        "List Number", "List Number", "List Bullet", "List Number"]


# --- right to left ------------------------------------------------------------------------------


def test_rtl_paragraphs_runs_language_and_fonts(tmp_path):
    data = build(load_fixture("rtl-arabic"))
    body = part(data, "word/document.xml").find("w:body", NS)
    paragraphs = body.findall("w:p", NS)
    assert paragraphs and all(p.find("w:pPr/w:bidi", NS) is not None for p in paragraphs)
    runs = [r for p in paragraphs for r in p.iter(W + "r") if r.find("w:t", NS) is not None]
    assert runs and all(r.find("w:rPr/w:rtl", NS) is not None for r in runs)
    assert all(r.find("w:rPr/w:lang", NS).get(W + "bidi") == "ar-SA" for r in runs)
    # a bidi paragraph aligned "right" would sit on the left: alignment stays the start edge
    assert not body.xpath(".//w:jc[@w:val='right']", namespaces=NS)
    assert body.find("w:sectPr/w:bidi", NS) is not None
    styles = part(data, "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:lang", NS).get(W + "bidi").startswith("ar-")
    assert defaults.find("w:lang", NS).get(W + "val").startswith("ar")
    assert defaults.find("w:rFonts", NS).get(W + "cs") in ("Amiri", "Noto Naskh Arabic")
    quote = styles.find("w:style[@w:styleId='Quote']/w:pPr/w:pBdr", NS)
    assert quote.find("w:right", NS) is not None and quote.find("w:left", NS) is None
    assert read(data).core_properties.language == "ar"


def test_rtl_bold_and_italic_get_complex_script_twins(tmp_path):
    article = make_article(tmp_path, {"language": "ar", "headline": "عنوان", "body": [
        {"type": "paragraph", "content": [{"type": "strong", "content": "عريض"}, " و ",
                                          {"type": "em", "content": "مائل"}]}]})
    doc = part(build(article), "word/document.xml")
    bold = doc.xpath(".//w:r[w:t='عريض']/w:rPr", namespaces=NS)[0]
    italic = doc.xpath(".//w:r[w:t='مائل']/w:rPr", namespaces=NS)[0]
    assert bold.find("w:b", NS) is not None and bold.find("w:bCs", NS) is not None
    assert italic.find("w:i", NS) is not None and italic.find("w:iCs", NS) is not None
    assert italic.find("w:rtl", NS) is not None


@pytest.mark.parametrize("name", [n for n in ARTICLE_DIRS if n != "rtl-arabic"])
def test_ltr_article_has_no_bidi(name):
    article = load_fixture(name)
    docx_bytes = build(article)
    doc = part(docx_bytes, "word/document.xml")
    assert not doc.findall(".//w:bidi", NS) and not doc.findall(".//w:rtl", NS)
    lang = part(docx_bytes, "word/styles.xml").find(".//w:docDefaults//w:lang", NS)
    assert lang.get(W + "val").startswith(article.language)


# --- safety, determinism, reference documents -----------------------------------------------------


def test_xml_illegal_characters_and_long_properties_never_raise(tmp_path, caplog):
    standfirst = "Long " * 80 + "end"
    article = Article.model_validate({  # bypasses from_data's cleaning on purpose
        "headline": "Bad\x00 head\x0bline\ufffe", "standfirst": standfirst,
        "tags": ["a\x0c"], "body": [{"type": "paragraph", "content": "x\x00y"}]})
    with caplog.at_level(logging.WARNING, logger="exporter"):
        data = build(article)
    doc = read(data)
    assert doc.core_properties.title == "Bad headline"
    assert doc.core_properties.subject == standfirst  # over python-docx's 255-character limit
    assert [p.text for p in doc.paragraphs if p.style.name == "Body Text"] == ["xy"]
    assert "headline" in caplog.text and "body[0]" in caplog.text


def test_same_input_same_bytes_with_dates_from_the_article():
    article = load_fixture("tram-line")
    first, second = build(article), build(article)
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        stamp = article.published.astimezone(UTC)
        assert {i.date_time[:5] for i in z.infolist()} == {
            (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute)}


def _digest_in_subprocess(env_extra: dict[str, str], name: str = "tram-line") -> str:
    code = ("import hashlib, io, sys; from exporter import load; from exporter.api import writer;"
            "from exporter.writers import WriteOptions; out = io.BytesIO();"
            f"writer('docx').write([load({str(fixture_path(name))!r})], out, WriteOptions());"
            "print(hashlib.sha256(out.getvalue()).hexdigest())")
    env = {**os.environ, **env_extra}
    env.pop("SOURCE_DATE_EPOCH", None) if "SOURCE_DATE_EPOCH" not in env_extra else None
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True, cwd=ROOT)
    return done.stdout.strip()


def test_same_bytes_under_other_time_zones_and_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    here = hashlib.sha256(build(load_fixture("rtl-arabic"))).hexdigest()
    assert _digest_in_subprocess({"TZ": "Asia/Tokyo"}, "rtl-arabic") == here
    assert _digest_in_subprocess({"TZ": "America/Los_Angeles"}, "rtl-arabic") == here
    epoch = _digest_in_subprocess({"SOURCE_DATE_EPOCH": "1700000000", "TZ": "Asia/Tokyo"})
    assert epoch == _digest_in_subprocess({"SOURCE_DATE_EPOCH": "1700000000", "TZ": "UTC"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = build(load_fixture("tram-line"))
    assert hashlib.sha256(data).hexdigest() == epoch
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_reference_docx_is_the_scripts_output(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_reference_docx.py"),
                    str(tmp_path / "reference.docx")], check=True, env=env, cwd=ROOT,
                   capture_output=True)
    assert (tmp_path / "reference.docx").read_bytes() == \
        (ROOT / "styles" / "reference.docx").read_bytes()


def test_users_reference_is_used_and_missing_styles_created(tmp_path):
    import docx
    from docx.shared import Pt

    ref = docx.Document()  # python-docx's template: no Standfirst, Byline, Credit...
    ref.styles["Title"].font.size = Pt(40)
    ref.add_paragraph("sample content that must not leak into the output")
    ref.save(tmp_path / "reference.docx")
    article = load_fixture("tram-line")
    data = build(article, style_dir=tmp_path)
    doc = read(data)
    assert doc.styles["Title"].font.size == Pt(40)
    assert [(p.style.name, p.text) for p in doc.paragraphs] == expected_paragraphs(article)
    assert "sample content" not in "".join(p.text for p in doc.paragraphs)
    assert doc.core_properties.author == "Marta Okonkwo-Silva; Declan Ó Briain"
    ids = part(data, "word/document.xml").xpath(".//w:numId/@w:val", namespaces=NS)
    assert ids  # the list is numbered even though the reference's List Number is not ours


def test_letter_paper_option(article):
    doc = read(build(article, paper="letter"))
    assert (doc.sections[0].page_width.twips, doc.sections[0].page_height.twips) == (12240, 15840)


def test_cli_end_to_end(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "exporter", "export", str(fixture_path("tram-line")),
         "-f", "docx", "-o", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "riverside-tram-line-approved.docx"
    assert read(out.read_bytes()).paragraphs[0].text == load_fixture("tram-line").headline


# --- LibreOffice (slow) ------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    text = "".join(ch for ch in unicodedata.normalize("NFC", text)
                   if unicodedata.category(ch) not in ("Mn", "Cf"))
    return re.findall(r"\w+", text)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice (soffice) and poppler's pdftotext")
def test_libreoffice_opens_every_fixture(tmp_path):
    articles = {name: load_fixture(name) for name in ARTICLE_DIRS}
    for name, article in articles.items():
        (tmp_path / f"{name}.docx").write_bytes(build(article))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path),
                    *sorted(str(p) for p in tmp_path.glob("*.docx"))],
                   check=True, capture_output=True, timeout=180)
    for name, article in articles.items():
        text = subprocess.run(["pdftotext", str(tmp_path / f"{name}.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        # compare letters only: pdftotext joins words hyphenated at line ends and splits
        # Arabic marks from their letters; in RTL text it also puts embedded LTR runs
        # ("25 km") in visual order, so there only the words are compared, not their order
        found = "".join(_words(text))
        wanted = [article.headline, article.standfirst or "", byline_text(article.bylines)]
        wanted += [caption_text(image) for image in article.images()]
        wanted += [inline_text(b.content) for b in article.body if b.type == "paragraph"]
        if article.dir == "rtl":
            missing = [chunk for chunk in wanted if any(w not in found for w in _words(chunk))]
        else:
            missing = [chunk for chunk in wanted if "".join(_words(chunk)) not in found]
        assert not missing, f"{name}: text missing from LibreOffice's PDF: {missing[:3]}"


def test_correction_date_is_a_character_style_not_direct_bold():
    """Issue 16: the date was direct bold; now the "Correction Date" style carries it."""
    doc = read(build(load_fixture("tram-line")))
    corrections = [p for p in doc.paragraphs if p.style.name == "Correction"]
    assert corrections
    for p in corrections:
        first = p.runs[0]
        assert first.style.name == "Correction Date"
        assert first.bold is None  # no direct w:b: the style makes it bold
        assert first.style.font.bold is True
