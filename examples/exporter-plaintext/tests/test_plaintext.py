"""Tests of the plaintext plugin, written the way any plugin's tests can be: with exporter.testing.

Run from this folder (``python -m pytest``) after ``pip install ./examples/exporter-plaintext``;
the tests that do not need the entry point also run from an uninstalled checkout.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest
from exporter.errors import ExporterError, UsageError
from exporter.model import Article
from exporter.rendering import format_date, labels, sorted_corrections
from exporter.testing import (
    check_contract_text,
    check_writer_class,
    fixture_articles,
    load_sample,
    run_writer,
    sample_path,
)

from exporter_plaintext import DEFAULT_WIDTH, PlaintextWriter, render_text

ARTICLES = fixture_articles()


def _installed() -> bool:
    return any(ep.name == "plaintext" and ep.value == "exporter_plaintext:PlaintextWriter"
               for ep in importlib.metadata.entry_points(group="exporter.writers"))


needs_install = pytest.mark.skipif(
    not _installed(), reason="exporter-plaintext is not installed (pip install ./examples/exporter-plaintext)")


def test_declarations_are_valid() -> None:
    assert check_writer_class(PlaintextWriter) == []
    assert PlaintextWriter.name == "plaintext"
    assert PlaintextWriter.suffix == ".txt"


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.id)
def test_output_carries_the_contract(article: Article, tmp_path) -> None:
    path = run_writer(PlaintextWriter, article, tmp_path)
    assert path.name == f"{article.id}.txt"
    text = path.read_text("utf-8")
    # Headline, standfirst, byline line, "caption (credit)", "— Name, role", every block.
    assert check_contract_text(article, text) == []


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.id)
def test_wrapped_at_72_columns_without_breaking_words(article: Article, tmp_path) -> None:
    text = run_writer(PlaintextWriter, article, tmp_path).read_text("utf-8")
    lines = text.split("\n")
    assert max(len(line) for line in lines) <= DEFAULT_WIDTH
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert all(line == line.rstrip() for line in lines)
    # Lines break only at spaces: joining the words gives back "US-led", "al-Assad".
    joined = " ".join(text.split())
    for word in ("US-led", "al-Qaeda", "Okonkwo-Silva"):
        if word in article.to_json():
            assert word in joined


def test_headline_first_then_corrections_newest_first_and_rights(tmp_path) -> None:
    article = load_sample("tram-line")
    text = run_writer(PlaintextWriter, article, tmp_path).read_text("utf-8")
    assert text.splitlines()[2] == article.headline  # after the "City | Transport" rubric
    assert text.index(article.headline) < text.index("The 14 km route will link")
    tail = text[text.index(labels("en")["corrections"]):]
    for correction in sorted_corrections(article.corrections):
        assert format_date(correction.date, "en") in tail
    assert text.rstrip().endswith(article.rights or "")
    assert "1. The national rail regulator" in text


def test_arabic_uses_the_shared_labels_and_dates(tmp_path) -> None:
    article = load_sample("rtl-arabic")
    text = run_writer(PlaintextWriter, article, tmp_path).read_text("utf-8")
    assert article.published is not None
    published = f"{labels('ar')['published']} {format_date(article.published, 'ar')}"
    assert published in text
    assert check_contract_text(article, text) == []


def test_hard_breaks_are_kept() -> None:
    article = Article.model_validate({
        "headline": "Poem", "body": [{"type": "paragraph",
                                      "content": ["first line", {"type": "break"}, "second line"]}]})
    assert "first line\nsecond line" in render_text(article)


def test_width_option(tmp_path) -> None:
    article = load_sample("deconflict")
    text = run_writer(PlaintextWriter, article, tmp_path, width="40").read_text("utf-8")
    assert max(len(line) for line in text.splitlines()) <= 40
    assert check_contract_text(article, text) == []
    with pytest.raises(UsageError, match="width"):
        run_writer(PlaintextWriter, article, tmp_path / "bad", width="wide")
    assert issubclass(UsageError, ExporterError)


@needs_install
def test_registered_through_the_entry_point(tmp_path) -> None:
    from exporter import export, load
    from exporter.registry import get_registry, reset_registry

    reset_registry()
    assert get_registry().writer_class("plaintext") is PlaintextWriter
    article = load(sample_path("tram-line"))
    (path,) = export(article, "plaintext", tmp_path)
    assert path == tmp_path / "riverside-tram-line-approved.txt"
    assert check_contract_text(article, path.read_text("utf-8")) == []


@needs_install
def test_command_line(tmp_path) -> None:
    formats = subprocess.run([sys.executable, "-m", "exporter", "formats"],
                             capture_output=True, text=True, check=True).stdout
    assert "plaintext" in formats and ".txt" in formats
    result = subprocess.run([sys.executable, "-m", "exporter", "export",
                             str(sample_path("deconflict")), "-f", "plaintext",
                             "-o", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "us-russia-deconflict-document-on-syria-to-be-released.txt"
    assert out.read_text("utf-8").startswith("Middle East\n")
