"""Denial of service: no single input may hang or exhaust the process that parses it.

Parsing runs in the parent process, outside any ``--timeout``, so a slow
regex or a YAML alias bomb stalls a whole batch or a cron feed. Each case
runs in a subprocess with a generous timeout as the guard: the fixed code
takes well under a second, the old code took minutes or never finished.
There are no timing asserts (CI machines vary); the timeout is the test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

GUARD_SECONDS = 20

# Before the fix: 1 s at 90 bytes, 12 s at 106, never finished at 122.
BREADCRUMB_BOMB = "a / " * 30 + "x."  # 122 bytes


def _parse(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exporter", "parse", str(path)],
                          capture_output=True, text=True, timeout=GUARD_SECONDS)


def _headline(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    headline: str = json.loads(result.stdout)["headline"]
    return headline


def test_the_breadcrumb_bomb_is_122_bytes() -> None:
    assert len(BREADCRUMB_BOMB.encode()) == 122


def test_a_breadcrumb_like_first_line_parses_quickly(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(BREADCRUMB_BOMB + "\n\nThe tram line opens on Monday after three years of work.\n",
                     encoding="utf-8")
    assert _headline(_parse(story)) == BREADCRUMB_BOMB


@pytest.mark.parametrize("line", [
    "a / " * 2500 + "x.",                           # the breadcrumb rule, 10 kB
    "Published on" + " " * 10_000 + "x",            # the date-line forms (cubic on spaces)
    "Advertisement" + " " * 40_000 + "x",           # the chrome phrases (quadratic)
], ids=["breadcrumb", "date-line", "chrome"])
def test_a_long_line_parses_quickly(tmp_path: Path, line: str) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Tram line opens on Monday\n\nThe line opens on Monday.\n\n" + line
                     + "\n\nThe tram line opens on Monday.\n", encoding="utf-8")
    result = _parse(story)
    assert result.returncode == 0, result.stderr
    paragraphs = [b["content"] for b in json.loads(result.stdout)["body"]]
    assert line in paragraphs


def test_a_ten_kilobyte_caption_line_parses_quickly(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Tram line opens on Monday\n\nA" + " " * 10_000 + "photo: Ana Costa\n\n"
                     "The tram line opens on Monday.\n", encoding="utf-8")
    result = _parse(story)
    assert result.returncode == 0, result.stderr
    lead = json.loads(result.stdout)["lead_image"]
    assert (lead["caption"], lead["credit"]) == ("A", "Ana Costa")


def test_html_with_long_runs_of_spaces_parses_quickly(tmp_path: Path) -> None:
    """The description/standfirst, keyword and quote-dash regexes of the HTML reader."""
    spaces = " " * 60_000  # the old regexes were quadratic: about 45 s
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html lang='en'><head><title>Tram line opens</title>"
        f"<meta name='description' content='Trams{spaces}x'>"
        f"<meta name='keywords' content='trams{spaces}x'></head><body><article>"
        "<h1>Tram line opens</h1><p>The tram line opens on Monday.</p>"
        f"<blockquote><p>We waited years{spaces}x</p><cite>Ana Costa</cite></blockquote>"
        "</article></body></html>", encoding="utf-8")
    assert _headline(_parse(page)) == "Tram line opens"


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    """548 bytes that took more than 300 s and 14 GB: refused with one line."""
    lines = ["---", "headline: Tram line opens", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    story = tmp_path / "bomb.md"
    story.write_text("\n".join(lines) + "\n---\n\nBody.\n", encoding="utf-8")
    result = _parse(story)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"exporter: error: {story}: b[0]: front matter: YAML aliases (*a) are not accepted; "
        "write the value out (line 4)"]


def test_docx_with_many_figures_numbers_every_picture_once(tmp_path: Path) -> None:
    """Shape ids, part names and rIds now come from counters: each is still unique,
    a picture used twice is stored once, and every picture resolves to its part."""
    from PIL import Image

    Image.new("RGB", (40, 30), (200, 30, 30)).save(tmp_path / "p.png")
    body = []
    for i in range(300):
        src = "p.png"
        if i % 2:  # every other figure has a picture of its own
            src = f"p{i}.png"
            Image.new("RGB", (8, 8), (i % 256, i // 256, 7)).save(tmp_path / src)
        body.append({"type": "paragraph", "content": f"Paragraph {i}."})
        body.append({"type": "figure", "image": {"src": src, "alt": f"Picture {i}"}})
    (tmp_path / "figures.json").write_text(json.dumps(
        {"id": "figures", "headline": "Figures", "lead_image": {"src": "p.png", "alt": "Lead"},
         "body": body}), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "exporter", "export", "figures.json", "-f", "docx",
                             "-o", "out"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "out" / "figures.docx") as z:
        root = etree.fromstring(z.read("word/document.xml"))
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        media = {n for n in z.namelist() if n.startswith("word/media/")}
    ns = {"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
          "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
    doc_pr = root.xpath("//wp:docPr/@id", namespaces=ns)
    assert len(doc_pr) == 301
    assert len(set(doc_pr)) == 301
    alts = root.xpath("//wp:docPr/@descr", namespaces=ns)
    assert alts[:3] == ["Lead", "Picture 0", "Picture 1"]
    assert alts[-1] == "Picture 299"
    assert len(media) == 151  # p.png once, and the 150 pictures of their own
    targets = {r.get("Id"): "word/" + r.get("Target") for r in rels.xpath("//rel:Relationship",
                                                                          namespaces=ns)}
    assert len(targets) == len(rels.xpath("//rel:Relationship", namespaces=ns))
    embeds = root.xpath("//a:blip/@r:embed", namespaces=ns)
    assert len(embeds) == 301
    assert {targets[e] for e in embeds} == media
