"""PDF/UA-1 machine checks and text extraction, read with pikepdf, pdftotext and pypdf.

veraPDF is packaged neither in Debian nor on PyPI, so the PDF/UA rules a
checker applies first are checked here with pikepdf (qpdf), independently of
WeasyPrint: tagged (``/MarkInfo /Marked``), ``/Lang``, ``DisplayDocTitle``,
alt text on every ``/Figure``, every marked-content sequence of every page
either reached from the structure tree or an ``/Artifact``, no text or
picture drawn outside marked content, every font embedded, one ``/Art`` per
article. Expected words are typed from the fixtures' JSON.
"""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from conftest import load_fixture

pytest.importorskip("weasyprint")
pikepdf = pytest.importorskip("pikepdf")
pypdf = pytest.importorskip("pypdf")

from exporter.writers import WriteOptions  # noqa: E402
from exporter.writers.pdf import PdfWriter  # noqa: E402

WRITER = PdfWriter()
_CACHE: dict[str, bytes] = {}
FIXTURES = ("deconflict", "tram-line", "rtl-arabic")

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="poppler-utils (pdftotext) is not installed")

#: what draws on the page: text, pictures/forms, inline images, paths and shadings
PAINTING = {"Tj", "TJ", "'", '"', "Do", "BI", "sh", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}


def render(name: str) -> bytes:
    if name not in _CACHE:
        _CACHE[name] = WRITER.render([load_fixture(name)], WriteOptions())
    return _CACHE[name]


def open_pdf(name: str):
    return pikepdf.open(io.BytesIO(render(name)))


def kids(element) -> list:
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def tree(root) -> list:
    """Every structure element reached from the StructTreeRoot, in order."""
    found = []

    def walk(node) -> None:
        for kid in kids(node):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.append(kid)
                walk(kid)

    walk(root)
    return found


def owned_mcids(root) -> set[tuple[int, int]]:
    """(page object number, MCID) of every marked content a reached element claims."""
    owned = set()
    for element in tree(root):
        for kid in kids(element):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                owned.add((kid.Pg.objgen[0], int(kid.MCID)))
            elif not isinstance(kid, pikepdf.Dictionary):
                owned.add((element.Pg.objgen[0], int(kid)))
    return owned


@pytest.mark.parametrize("name", FIXTURES)
def test_catalog_marks_a_tagged_titled_document_in_its_language(name: str) -> None:
    languages = {"deconflict": "en", "tram-line": "en", "rtl-arabic": "ar"}
    with open_pdf(name) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == languages[name]
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        assert "/StructTreeRoot" in pdf.Root


def test_every_figure_has_its_alt_text() -> None:
    expected = {
        "tram-line": ["A red two-car tram on a test track beside a grassy embankment",
                      "The planned route from the ferry terminal to the university quarter"],
        "rtl-arabic": ["مبنى أبيض من طابقين بسقف أحمر وباب خشبي"],
    }
    for name, alts in expected.items():
        with open_pdf(name) as pdf:
            figures = [e for e in tree(pdf.Root.StructTreeRoot) if e.S == "/Figure"]
            assert sorted(str(f.get("/Alt", "")) for f in figures) == sorted(alts), name


@pytest.mark.parametrize("name", FIXTURES)
def test_all_content_is_in_the_structure_tree_or_an_artifact(name: str) -> None:
    """PDF/UA-1 7.1: no content that is neither tagged nor an artifact (the footer was)."""
    with open_pdf(name) as pdf:
        owned = owned_mcids(pdf.Root.StructTreeRoot)
        for number, page in enumerate(pdf.pages, start=1):
            stack: list[str] = []  # "tagged" / "artifact" per open marked-content sequence
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    tag = str(operands[0])
                    props = operands[1] if op == "BDC" else None
                    if tag == "/Artifact" or "artifact" in stack:
                        stack.append("artifact")
                        continue
                    assert isinstance(props, pikepdf.Dictionary) and "/MCID" in props, (
                        f"page {number}: {tag} marked content without an MCID")
                    mcid = int(props.MCID)
                    assert (page.obj.objgen[0], mcid) in owned, (
                        f"page {number}: MCID {mcid} ({tag}) belongs to no structure element")
                    stack.append("tagged")
                elif op == "EMC":
                    stack.pop()
                elif op in PAINTING:
                    assert stack, f"page {number}: {op} draws outside marked content"
            assert not stack, f"page {number}: unbalanced marked content"


@pytest.mark.parametrize("name", FIXTURES)
def test_every_mcid_in_the_parent_tree_points_into_the_tree(name: str) -> None:
    with open_pdf(name) as pdf:
        reached = {e.objgen for e in tree(pdf.Root.StructTreeRoot)}
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        for i in range(1, len(nums), 2):
            entry = nums[i]
            refs = list(entry) if isinstance(entry, pikepdf.Array) else [entry]
            for ref in refs:
                if ref is not None:
                    assert ref.objgen in reached, f"ParentTree key {int(nums[i - 1])}"


def test_footer_text_is_an_artifact_not_content() -> None:
    """The running footer ('Page 1 of 2' and the headline) is pagination, not the article."""
    with open_pdf("tram-line") as pdf:
        first = pdf.pages[0]
        artifacts = [ops for ops, op in pikepdf.parse_content_stream(first)
                     if str(op) == "BDC" and str(ops[0]) == "/Artifact"
                     and ops[1].get("/Type") == "/Pagination"]
        assert len(artifacts) >= 2  # the headline box and the page number box


def test_a_two_page_article_is_one_art_element() -> None:
    with open_pdf("tram-line") as pdf:
        assert len(pdf.pages) >= 2
        (document,) = kids(pdf.Root.StructTreeRoot)
        assert document.S == "/Document"
        arts = [e for e in tree(pdf.Root.StructTreeRoot) if e.S == "/Art"]
        assert len(arts) == 1
        pages = {e.Pg.objgen for e in tree(arts[0]) if "/Pg" in e}
        assert len(pages) == len(pdf.pages)  # it holds the content of every page


@pytest.mark.parametrize("name", FIXTURES)
def test_every_font_is_embedded(name: str) -> None:
    with open_pdf(name) as pdf:
        fonts = [font for page in pdf.pages
                 for font in (page.Resources.get("/Font") or {}).values()]
        assert fonts
        for font in fonts:
            if font.Subtype == "/Type0":
                font = font.DescendantFonts[0]
            descriptor = font.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
                str(font.get("/BaseFont"))


def _pdftotext(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode("utf-8")


def _pypdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


#: the Arabic byline name and caption words (examples/rtl-arabic/article.json),
#: several with lam-alef or lam-alef-maksura ligatures
ARABIC_WORDS = ["ليلى", "حداد", "مراسلة", "الشؤون", "الصحية",
                "مبنى", "العيادة", "الجديدة", "قرب", "السوق", "القديم", "صباح", "يوم",
                "الافتتاح", "سامي", "نصار", "وكالة", "المثال"]


@needs_pdftotext
def test_arabic_byline_and_caption_extract_as_whole_words_in_pdftotext() -> None:
    text = _pdftotext(render("rtl-arabic"))
    found = set(text.split())
    missing = [w for w in ARABIC_WORDS if w not in found and w not in text]
    assert not missing, missing
    assert "ليىل" not in text and "االفتتاح" not in text


def test_arabic_byline_and_caption_extract_as_whole_words_in_pypdf() -> None:
    text = _pypdf(render("rtl-arabic"))
    missing = [w for w in ARABIC_WORDS if w not in text]
    assert not missing, missing


@needs_pdftotext
def test_headline_compound_is_not_broken_at_its_hyphen() -> None:
    text = _pdftotext(render("tram-line"))
    headline = " ".join(text.split("The 14 km route")[0].split())
    assert headline.endswith("Council approves €410m riverside tram line after three-year fight")
    assert "threeyear" not in text
