"""The PDF writer, read back independently: poppler's pdftotext for the text, pypdf for the rest.

Renders are cached per (fixture, paper) for the module: WeasyPrint takes a
few hundred milliseconds per page and most tests only read.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ARTICLES, fixture_path, load_fixture

pytest.importorskip("weasyprint")
pypdf = pytest.importorskip("pypdf")

from exporter import load  # noqa: E402
from exporter.errors import ResourceError  # noqa: E402
from exporter.rendering import attribution_text, byline_text, caption_text, format_date, inline_text  # noqa: E402
from exporter.writers import WriteOptions  # noqa: E402
from exporter.writers.pdf import PdfWriter  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WRITER = PdfWriter()
_CACHE: dict[tuple[str, str], bytes] = {}

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="poppler-utils (pdftotext) is not installed")


def render(name: str, paper: str = "a4") -> bytes:
    key = (name, paper)
    if key not in _CACHE:
        _CACHE[key] = WRITER.render([load_fixture(name)], WriteOptions(paper=paper))
    return _CACHE[key]


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def pdftotext(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode("utf-8")


def pypdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in reader(data).pages)


_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640]")
_BIDI_CONTROLS = re.compile(r"[\u200c-\u200f\u202a-\u202e\u2066-\u2069]")
_SPLIT_MARK = re.compile(r"\s+(?=[\u064B-\u065F\u0670])")


def squash(text: str) -> str:
    """Compare text ignoring line breaks, spacing, hyphenation and Arabic marks."""
    text = _BIDI_CONTROLS.sub("", unicodedata.normalize("NFKC", text))
    text = _MARKS.sub("", text)
    return re.sub(r"[\s\-\u2010\u00ad]+", "", text)


def contains(haystack: str, needle: str) -> bool:
    return squash(needle) in squash(haystack)


def words(text: str) -> list[str]:
    """Words, lower-cased; hyphenated line ends rejoined; Arabic marks dropped (extractors
    split them off with a space); digit runs apart from letters (visual-order RTL runs
    glue numbers to the next word)."""
    text = _BIDI_CONTROLS.sub(" ", unicodedata.normalize("NFKC", text))
    text = _MARKS.sub("", _SPLIT_MARK.sub("", text))
    text = re.sub(r"[-\u2010\u00ad]\n", "", text)
    return re.findall(r"\d+|[^\W\d]+", text.lower())


def loose(word: str) -> str:
    """A word as a bag of letters: extractors reorder Arabic lam-alef and marks."""
    return "".join(sorted(word))


def body_words(article) -> list[str]:
    out: list[str] = []
    for block in article.body:
        if block.type in ("paragraph", "heading", "quote"):
            out += words(inline_text(block.content))
        elif block.type == "list":
            for item in block.items:
                out += words(inline_text(item))
    return out


@contextlib.contextmanager
def exporter_warnings() -> Iterator[list[str]]:
    """Warnings logged on the "exporter" logger (the CLI turns off propagation)."""
    messages: list[str] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("exporter")
    handler = Grab(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


@pytest.fixture(scope="module")
def http_server() -> Iterator[tuple[int, list[str]]]:
    """A real local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write((ARTICLES / "tram-line" / "route-map.png").read_bytes())

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()


def copy_fixture(name: str, dest: Path, **changes: object) -> Path:
    """Copy a fixture folder, apply top-level field changes, return the article path."""
    folder = dest / name
    shutil.copytree(ARTICLES / name, folder)
    data = json.loads((folder / "article.json").read_text(encoding="utf-8"))
    data.update(changes)
    path = folder / "article.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# --- the writer itself -----------------------------------------------------------------


def test_writer_declaration_and_lazy_import() -> None:
    assert (PdfWriter.name, PdfWriter.suffix, PdfWriter.media_type) == ("pdf", ".pdf", "application/pdf")
    assert PdfWriter.requires == ("weasyprint",)
    code = ("import sys, exporter.writers.pdf as m; m.PdfWriter.enabled(); "
            "print('weasyprint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_fixture_renders_with_its_text(article, fixture_name: str) -> None:
    data = render(fixture_name)
    assert data.startswith(b"%PDF-")
    texts = [pypdf_text(data)]
    if shutil.which("pdftotext"):
        texts.append(pdftotext(data))
    wanted = [article.headline]
    if article.standfirst:
        wanted.append(article.standfirst)
    wanted += [p.name for p in article.bylines]
    images = [article.lead_image] if article.lead_image else []
    images += [b.image for b in article.body if b.type == "figure"]
    for image in images:
        wanted += [image.caption or "", image.credit or "", caption_text(image)]
    wanted += [attribution_text(b.attribution) for b in article.body
               if b.type == "quote" and b.attribution is not None]
    wanted += [c.text for c in article.corrections]
    wanted += [format_date(c.date, article.language) for c in article.corrections]
    for text in texts:
        found = {loose(w) for w in words(text)}
        for needle in filter(None, wanted):
            if article.dir == "rtl":
                # extractors give right-to-left runs in visual order: compare words loosely
                assert all(loose(w) in found for w in words(needle)), f"{needle!r} missing"
            else:
                assert contains(text, needle), f"{needle!r} missing from the PDF text"


@needs_pdftotext
def test_body_words_extract(article, fixture_name: str) -> None:
    expected = body_words(article)
    arabic = article.language == "ar"
    for text in (pdftotext(render(fixture_name)), pypdf_text(render(fixture_name))):
        found = words(text)
        pool = {loose(w) for w in found} if arabic else set(found)
        hits = sum(1 for w in expected if (loose(w) if arabic else w) in pool)
        assert hits / len(expected) >= 0.97, f"only {hits}/{len(expected)} body words extracted"


def test_tram_line_has_both_quote_attributions() -> None:
    text = pypdf_text(render("tram-line"))
    assert contains(text, "— Ines Carvalho, leader of the council")
    assert contains(text, "— Tomás Reyes, chair of the Quay Street Traders' Association")


def test_metadata_comes_from_the_model(article, fixture_name: str) -> None:
    info = reader(render(fixture_name)).metadata
    assert info["/Title"] == article.headline
    if article.bylines:
        assert info["/Author"] == byline_text(article.bylines)
    if article.standfirst:
        assert info["/Subject"] == article.standfirst
    if article.tags:
        assert info["/Keywords"] == ", ".join(article.tags)
    if article.published:
        stamp = article.published.strftime("D:%Y%m%d%H%M%S")
        assert info["/CreationDate"].startswith(stamp)
        assert info["/ModDate"].startswith((article.updated or article.published).strftime("D:%Y%m%d%H%M%S"))


def test_tram_line_dates_keep_their_offset() -> None:
    info = reader(render("tram-line")).metadata
    assert info["/CreationDate"] == "D:20260302183000+01'00"
    assert info["/ModDate"] == "D:20260303081500+01'00"


def _fonts(pdf: pypdf.PdfReader) -> list:
    fonts = []
    for page in pdf.pages:
        for font in page["/Resources"].get_object().get("/Font", {}).values():
            fonts.append(font.get_object())
    return fonts


def _struct_elements(node, out: list) -> list:
    node = node.get_object()
    if hasattr(node, "keys"):
        if "/S" in node:
            out.append(node)
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                kid = kid.get_object() if hasattr(kid, "get_object") else kid
                if hasattr(kid, "keys"):
                    _struct_elements(kid, out)
    return out


def test_tagged_pdf_with_language_alt_text_and_embedded_fonts(article, fixture_name: str) -> None:
    pdf = reader(render(fixture_name))
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == article.language
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert "pdfuaid:part=\"1\"" in root["/Metadata"].get_object().get_data().decode()
    elements = _struct_elements(root["/StructTreeRoot"], [])
    kinds = {str(e["/S"]) for e in elements}
    assert {"/H1", "/P"} <= kinds
    alts = [str(e["/Alt"]) for e in elements if e["/S"] == "/Figure" and "/Alt" in e]
    images = [article.lead_image] if article.lead_image else []
    images += [b.image for b in article.body if b.type == "figure"]
    assert sorted(alts) == sorted(i.alt for i in images)
    fonts = _fonts(pdf)
    assert fonts
    for font in fonts:
        if font["/Subtype"] == "/Type0":
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        else:
            descriptor = font["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    assert "/EmbeddedFiles" not in root.get("/Names", {})


def test_letter_and_a4_page_sizes() -> None:
    a4 = reader(render("tram-line")).pages[0].mediabox
    letter = reader(render("tram-line", "letter")).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_unknown_paper_is_a_usage_error() -> None:
    from exporter.errors import UsageError

    with pytest.raises(UsageError, match="paper"):
        WRITER.render([load_fixture("deconflict")], WriteOptions(paper="a3"))


def test_one_column_option_renders() -> None:
    article = load_fixture("deconflict")
    data = WRITER.render([article], WriteOptions(extra={"columns": "1"}))
    assert contains(pypdf_text(data), article.headline)


@needs_pdftotext
def test_rtl_article_is_arabic_and_extracts() -> None:
    article = load_fixture("rtl-arabic")
    data = render("rtl-arabic")
    assert reader(data).trailer["/Root"]["/Lang"] == "ar"
    names = {str(f["/BaseFont"]).split("+", 1)[-1] for f in _fonts(reader(data))}
    assert any(n.startswith(("Amiri", "Noto-Naskh-Arabic", "Noto-Sans-Arabic")) for n in names), names
    for text in (pdftotext(data), pypdf_text(data)):
        found = {loose(w) for w in words(text)}
        for field in (article.headline, article.standfirst, article.lead_image.caption):
            expected = words(field)
            hits = sum(loose(w) in found for w in expected)
            assert hits / len(expected) >= 0.9, field
    # mixed direction: the Latin run inside the Arabic paragraph keeps its order
    assert re.search(r"25\s*km|km\s*25", pdftotext(data))


# --- determinism ---------------------------------------------------------------------------


_SUBPROCESS = """
import hashlib, sys
from exporter import load
from exporter.writers import WriteOptions
from exporter.writers.pdf import PdfWriter
w = PdfWriter()
for path in sys.argv[1:]:
    print(hashlib.sha256(w.render([load(path)], WriteOptions())).hexdigest())
"""


def test_output_is_deterministic_across_runs_and_time_zones() -> None:
    names = ["tram-line", "rtl-arabic"]
    here = [hashlib.sha256(render(n)).hexdigest() for n in names]
    again = hashlib.sha256(WRITER.render([load_fixture("tram-line")], WriteOptions())).hexdigest()
    assert again == here[0]
    env = dict(os.environ, TZ="Pacific/Kiritimati", SOURCE_DATE_EPOCH="1700000000", LC_ALL="C.UTF-8")
    # fresh process, other order: font subsets and object numbers must not depend on history
    out = subprocess.run([sys.executable, "-c", _SUBPROCESS,
                          *[str(fixture_path(n)) for n in reversed(names)]],
                         capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    assert out.stdout.split() == list(reversed(here))


def test_dateless_article_uses_source_date_epoch_never_the_clock(tmp_path: Path,
                                                                 monkeypatch) -> None:
    path = copy_fixture("deconflict", tmp_path, published=None)
    article = load(path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    info = reader(WRITER.render([article], WriteOptions())).metadata
    assert "/CreationDate" not in info and "/ModDate" not in info
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    info = reader(WRITER.render([article], WriteOptions())).metadata
    assert info["/CreationDate"].startswith("D:20231114221320")


# --- sandboxed fetching --------------------------------------------------------------------


def _passwd_marker() -> bytes:
    try:
        first = Path("/etc/passwd").read_bytes().splitlines()[0]
    except (OSError, IndexError):
        return b"root:x:0:0"
    return first[:12] or b"root:x:0:0"


@pytest.mark.parametrize("src", ["/etc/passwd", "../../x.png", "file:///etc/passwd", "HTTP"])
@pytest.mark.parametrize("where", ["lead_image", "figure"])
def test_hostile_image_fails_naming_the_field(tmp_path: Path, http_server, src: str,
                                              where: str) -> None:
    from exporter.api import write_one

    port, hits = http_server
    hits.clear()
    if src == "HTTP":
        src = f"http://127.0.0.1:{port}/x.png"
    data = json.loads(fixture_path("tram-line").read_text(encoding="utf-8"))
    if where == "lead_image":
        data["lead_image"]["src"] = src
        field = "lead_image.src"
    else:
        index = next(i for i, b in enumerate(data["body"]) if b["type"] == "figure")
        data["body"][index]["image"]["src"] = src
        field = f"body[{index}].image.src"
    path = copy_fixture("tram-line", tmp_path, **data)
    out = tmp_path / "out"
    target = out / "story.pdf"
    with pytest.raises(ResourceError) as caught:
        write_one([load(path)], "pdf", target, WriteOptions())
    assert field in str(caught.value) and str(path) in str(caught.value)
    assert not target.exists()
    assert not any(p.is_file() for p in out.rglob("*")) if out.exists() else True
    assert hits == []


def test_refusing_fetcher_never_serves_outside_files(tmp_path: Path, http_server,
                                                    monkeypatch) -> None:
    """Straight into WeasyPrint: attachments, images and stylesheets all go through the gate."""
    import urllib.request

    import weasyprint

    opened: list[object] = []
    monkeypatch.setattr(urllib.request.OpenerDirector, "open",
                        lambda self, *a, **k: opened.append(a) or 1 / 0)

    from exporter.resources import ResourceGate
    from exporter.writers.pdf.fetcher import GateFetcher

    port, hits = http_server
    hits.clear()
    (tmp_path / "ok.png").write_bytes((ARTICLES / "tram-line" / "route-map.png").read_bytes())
    html = f"""<html><head>
      <link rel="attachment" href="file:///etc/passwd"/>
      <link rel="attachment" href="http://127.0.0.1:{port}/a.bin"/>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/s.css"/></head>
      <body><img src="/etc/passwd"/><img src="../../../../etc/passwd"/>
      <img src="http://127.0.0.1:{port}/i.png"/><img src="ok.png" alt="ok"/>
      <a rel="attachment" href="file:///etc/passwd">x</a></body></html>"""
    fetcher = GateFetcher(ResourceGate((tmp_path,)), source="test", field="style")
    with exporter_warnings():
        data = weasyprint.HTML(string=html, base_url=tmp_path.as_uri() + "/",
                               url_fetcher=fetcher).write_pdf(uncompressed_pdf=True)
    assert hits == [] and opened == []  # WeasyPrint's own fetcher (urllib) never ran
    assert _passwd_marker() not in data
    assert any(u.endswith("/ok.png") for u in fetcher.served)
    assert len(fetcher.refused) >= 5
    assert fetcher.served == [u for u in fetcher.served if u.endswith("/ok.png")]


def test_symlink_out_of_the_article_folder_is_refused(tmp_path: Path) -> None:
    path = copy_fixture("deconflict", tmp_path)
    link = path.parent / "lead.jpg"
    link.unlink()
    link.symlink_to("/etc/passwd")
    with pytest.raises(ResourceError, match=r"lead_image\.src"):
        WRITER.render([load(path)], WriteOptions())


def test_picture_weasyprint_cannot_draw_fails_naming_the_field(tmp_path: Path) -> None:
    """The gate only sniffs headers: a broken SVG passes it, then must not vanish silently."""
    path = copy_fixture("deconflict", tmp_path)
    (path.parent / "lead.jpg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect',
                                          encoding="utf-8")
    with pytest.raises(ResourceError, match=r"lead_image\.src: .*could not be drawn"):
        WRITER.render([load(path)], WriteOptions())


def test_writer_drops_attachments_even_inside_the_article_folder(tmp_path: Path) -> None:
    """A style whose template links an attachment still embeds nothing."""
    style = tmp_path / "style"
    (style / "templates").mkdir(parents=True)
    page = (ROOT / "styles" / "templates" / "page.html.j2").read_text(encoding="utf-8")
    page = page.replace("</head>", '<link rel="attachment" href="tram.jpg"/></head>')
    page = page.replace("{{ body }}", '{{ body }}<a rel="attachment" href="tram.jpg">file</a>')
    (style / "templates" / "page.html.j2").write_text(page, encoding="utf-8")
    data = WRITER.render([load_fixture("tram-line")], WriteOptions(style_dir=style))
    pdf = reader(data)
    assert "/EmbeddedFiles" not in pdf.trailer["/Root"].get("/Names", {})
    for p in pdf.pages:
        for annot in p.get("/Annots", []) or []:
            assert annot.get_object().get("/Subtype") != "/FileAttachment"


def test_remote_css_resource_only_warns(tmp_path: Path, http_server) -> None:
    port, hits = http_server
    hits.clear()
    style = tmp_path / "style"
    style.mkdir()
    css = (ROOT / "styles" / "print.css").read_text(encoding="utf-8")
    css = (f"@import url(http://127.0.0.1:{port}/more.css);\n" + css +
           f"\n.article {{ background-image: url(http://127.0.0.1:{port}/bg.png); }}\n"
           ".headline { background-image: url(file:///etc/passwd); }\n")
    (style / "print.css").write_text(css, encoding="utf-8")
    with exporter_warnings() as warnings:
        data = WRITER.render([load_fixture("deconflict")], WriteOptions(style_dir=style))
    assert data.startswith(b"%PDF-")
    assert hits == []
    joined = "\n".join(warnings)
    assert f"http://127.0.0.1:{port}/bg.png" in joined
    assert f"http://127.0.0.1:{port}/more.css" in joined
    assert "file:///etc/passwd" in joined
    assert all("decorative" in w for w in warnings if "127.0.0.1" in w)


def test_missing_glyphs_are_reported_with_the_field(tmp_path: Path) -> None:
    data = json.loads(fixture_path("tram-line").read_text(encoding="utf-8"))
    body = data["body"]
    # two private-use code points (no font draws them; CJK may be installed now)
    body[1] = {"type": "paragraph", "content": "Private use \ue000 and \U0010fffd here."}
    path = copy_fixture("tram-line", tmp_path, body=body)
    with exporter_warnings() as warnings:
        pdf = WRITER.render([load(path)], WriteOptions())
    assert pdf.startswith(b"%PDF-")
    hit = [w for w in warnings if "body[1].content" in w]
    assert hit and "U+E000" in hit[0] and "U+10FFFD" in hit[0]
    assert not any("headline" in w for w in warnings)


@needs_pdftotext
def test_small_caps_and_credit_extract_as_written() -> None:
    text = pdftotext(render("tram-line"))
    assert "Marta Okonkwo-Silva" in text and "Declan Ó Briain" in text
    assert "(Ana Ribeiro/Example News)" in text


# --- end to end --------------------------------------------------------------------------


def test_cli_exports_pdf(tmp_path: Path) -> None:
    from exporter.cli import run

    out = tmp_path / "out"
    code = run(["export", str(fixture_path("tram-line")), "-f", "pdf", "-o", str(out),
                "--paper", "letter", "-q"])
    assert code == 0
    target = out / "riverside-tram-line-approved.pdf"
    pdf = reader(target.read_bytes())
    assert round(float(pdf.pages[0].mediabox.width)) == 612
    assert pdf.metadata["/Title"].startswith("Council approves")


def test_cli_hostile_article_fails_and_writes_nothing(tmp_path: Path, http_server) -> None:
    from exporter.cli import run

    port, hits = http_server
    hits.clear()
    data = json.loads(fixture_path("tram-line").read_text(encoding="utf-8"))
    data["lead_image"]["src"] = f"http://127.0.0.1:{port}/x.png"
    path = copy_fixture("tram-line", tmp_path, lead_image=data["lead_image"])
    out = tmp_path / "out"
    assert run(["export", str(path), "-f", "pdf", "-o", str(out), "-q"]) == 1
    assert not (out / "riverside-tram-line-approved.pdf").exists()
    assert hits == []
