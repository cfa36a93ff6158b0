"""The same tree in two places gives the same bytes (PDF pictures were named by path)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tram-line"


def _pdf(tree: Path) -> bytes:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    result = subprocess.run([sys.executable, "-m", "exporter", "export", "story/article.json",
                             "-f", "pdf", "-o", "out"], cwd=tree, capture_output=True,
                            text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    (pdf,) = (tree / "out").glob("*.pdf")
    return pdf.read_bytes()


def test_a_pdf_with_pictures_does_not_depend_on_where_the_tree_is(tmp_path) -> None:
    first = tmp_path / "a"
    second = tmp_path / "somewhere" / "much" / "deeper"
    for tree in (first, second):
        tree.mkdir(parents=True)
        shutil.copytree(SAMPLE, tree / "story")
    one, two = _pdf(first), _pdf(second)
    pictures = [name for page in PdfReader(first / "out" / next(
        p.name for p in (first / "out").glob("*.pdf"))).pages
        for name in (page["/Resources"].get("/XObject") or {})]
    assert len(pictures) >= 2  # the sample has a lead photo and a route map
    assert one == two
