"""The same tree in two places gives the same bytes.

PDF pictures were named by path (WeasyPrint names an image XObject after an
MD5 of its URL); the file ``/ID`` is computed from the content when the
writer saves the finished tags (pikepdf ``deterministic_id``), never from
a path or the clock.
"""

from __future__ import annotations

import io
import json
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
    ids = [PdfReader(io.BytesIO(data)).trailer["/ID"] for data in (one, two)]
    assert list(ids[0]) == list(ids[1])  # both halves of /ID, the same from both folders
    for tree in (first, second):
        assert str(tree).encode() not in one


def test_the_pdf_id_follows_the_content(tmp_path) -> None:
    """Another headline gives another /ID: it is a hash of the content, not a constant."""
    shutil.copytree(SAMPLE, tmp_path / "story")
    before = _pdf(tmp_path)
    article = tmp_path / "story" / "article.json"
    data = json.loads(article.read_text(encoding="utf-8"))
    data["headline"] = "Council approves the riverside tram line"
    article.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(tmp_path / "out")
    after = _pdf(tmp_path)
    ids = [PdfReader(io.BytesIO(data)).trailer["/ID"] for data in (before, after)]
    assert ids[0][0] != ids[1][0] and ids[0][1] != ids[1][1]
