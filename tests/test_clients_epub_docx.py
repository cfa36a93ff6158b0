"""Our EPUB and DOCX as the programs readers use read them (issue 16).

DAISY Ace (accessibility), pandoc (EPUB and DOCX metadata), calibre
(``ebook-convert``/``ebook-meta``) and mammoth (DOCX to HTML), each on real
exported files; ``scripts/setup.sh --test`` installs them (tests/clients).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exporter import api
from exporter.writers import WriteOptions

from .clients import ace, need, run
from .conftest import ARTICLE_DIRS, load_fixture

#: the headline for mammoth: its default style map knows "Heading 1", not Word's Title,
#: so docs/docx.md gives this line to add (mammoth's --style-map)
MAMMOTH_STYLE_MAP = "p[style-name='Title'] => h1:fresh"


@pytest.fixture(scope="module")
def epubs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("epubs")
    paths = {}
    for name in ARTICLE_DIRS:
        paths[name] = api.write_one([load_fixture(name)], "epub", folder / f"{name}.epub")
    paths["edition"] = api.write_one([load_fixture(n) for n in ARTICLE_DIRS], "epub",
                                     folder / "edition.epub", WriteOptions(title="Morning edition"))
    return paths


@pytest.fixture(scope="module")
def docxs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("docx")
    return {name: api.write_one([load_fixture(name)], "docx", folder / f"{name}.docx")
            for name in ARTICLE_DIRS}


@pytest.mark.parametrize("name", [*ARTICLE_DIRS, "edition"])
def test_daisy_ace_finds_no_serious_or_critical_violation(epubs, tmp_path, name):
    found = ace(epubs[name], tmp_path / "ace")
    bad = [v for v in found if v.impact in ("serious", "critical")]
    assert not bad, "\n".join(f"{v.impact} {v.rule} in {v.where}: {v.title}" for v in bad)


def _meta_text(value: dict) -> str:
    """pandoc's MetaInlines/MetaString as plain text."""
    if value["t"] == "MetaString":
        return value["c"]
    out = []
    for node in value["c"]:
        out.append(node["c"] if node["t"] == "Str" else " " if node["t"] == "Space" else "")
    return "".join(out)


def _pandoc_meta(path: Path, fmt: str) -> dict:
    need("pandoc")
    return json.loads(run(["pandoc", "-f", fmt, "-t", "json", str(path)]))["meta"]


def test_pandoc_reads_title_subtitle_and_every_author_from_the_docx(docxs):
    meta = _pandoc_meta(docxs["tram-line"], "docx")
    assert _meta_text(meta["title"]) == ("Council approves €410m riverside tram line after "
                                         "three-year fight")
    assert _meta_text(meta["subtitle"]).startswith("The 14 km route will link the port")
    authors = [_meta_text(a) for a in meta["author"]["c"]]
    assert authors == ["Marta Okonkwo-Silva, Transport correspondent",
                       "Declan Ó Briain, City hall reporter"]


def test_pandoc_reads_the_arabic_docx_title(docxs):
    meta = _pandoc_meta(docxs["rtl-arabic"], "docx")
    assert "title" in meta and "author" in meta


def test_pandoc_reads_title_author_and_language_from_the_epub(epubs):
    meta = _pandoc_meta(epubs["tram-line"], "epub")
    assert _meta_text(meta["title"]) == ("Council approves €410m riverside tram line after "
                                         "three-year fight")
    authors = sorted(_meta_text(a) for a in meta["author"]["c"])
    assert authors == ["Declan Ó Briain", "Marta Okonkwo-Silva"]
    assert _meta_text(meta["language"]) == "en"


def test_calibre_keeps_each_caption_apart_from_the_next_paragraph(epubs, tmp_path):
    need("ebook-convert")
    out = tmp_path / "book.txt"
    run(["ebook-convert", str(epubs["tram-line"]), str(out)], timeout=300)
    text = out.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # the lead caption and its credit on a line of their own, not run into the body
    assert ("A prototype tram on the test track at the Northgate depot in January "
            "(Ana Ribeiro/Example News)") in lines


def test_calibre_ebook_meta_shows_title_author_and_language(epubs):
    need("ebook-meta")
    shown = run(["ebook-meta", str(epubs["rtl-arabic"])])
    fields = {k.strip(): v.strip() for k, _, v in
              (line.partition(":") for line in shown.splitlines()) if v}
    assert fields["Languages"] == "ara"
    assert fields["Title"] and fields["Author(s)"]
    shown = run(["ebook-meta", str(epubs["tram-line"])])
    assert "Council approves €410m riverside tram line" in shown
    assert "Marta Okonkwo-Silva" in shown and "Declan Ó Briain" in shown


def test_mammoth_shows_the_headline_as_h1(docxs):
    mammoth = pytest.importorskip("mammoth", reason="mammoth is in the test extra")
    with docxs["tram-line"].open("rb") as f:
        html = mammoth.convert_to_html(f, style_map=MAMMOTH_STYLE_MAP).value
    assert html.startswith("<h1>Council approves €410m riverside tram line after "
                           "three-year fight</h1>")
