"""What is published next to a feed or inside an EPUB: no active content, type by content.

Pictures are written by hand (an SVG with a script, a BMP whose name says
HTML, PNG/JPEG files cut short), exported through the real CLI, and the
published files are read back with lxml, zipfile and Pillow.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

BASE = "https://news.example.org/feeds/"
SVG_NS = "http://www.w3.org/2000/svg"

HOSTILE_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="40" height="20" viewBox="0 0 40 20" onload="alert('onload')">
  <script>alert('script')</script>
  <a xlink:href="javascript:alert('link')"><rect id="box" width="40" height="20" fill="#c00"
     onclick="alert('click')"/></a>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml"
     onmouseover="alert('fo')">x</div></foreignObject>
  <set attributeName="href" to="javascript:alert('set')"/>
  <image href="https://tracker.example.net/pixel.png" width="1" height="1"/>
  <use href="#box" x="0" y="0"/>
  <text x="2" y="15" fill="#fff">Map</text>
</svg>
"""


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run([sys.executable, "-m", "exporter", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def _article(folder: Path, src: str, name: str = "story.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps({
        "id": "map-story", "headline": "The new route", "published": "2024-05-01T09:00:00Z",
        "lead_image": {"src": src, "alt": "Route map", "caption": "The route", "credit": "Desk"},
        "body": [{"type": "paragraph", "content": "The line opens in May."}]}), encoding="utf-8")
    return path


def _assert_inert_svg(data: bytes) -> None:
    text = data.decode("utf-8")
    for needle in ("<script", "alert(", "javascript:", "foreignObject", "onload", "onclick",
                   "onmouseover", "tracker.example.net", "<set"):
        assert needle not in text, needle
    root = etree.fromstring(data)
    assert root.tag == f"{{{SVG_NS}}}svg"
    # the drawing survives: the rectangle, the reuse of it and the label
    assert root.find(f".//{{{SVG_NS}}}rect").get("fill") == "#c00"
    assert root.find(f".//{{{SVG_NS}}}use").get("href") == "#box"
    assert root.find(f".//{{{SVG_NS}}}text").text == "Map"


def test_svg_published_next_to_an_rss_export_is_sanitised(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "map.svg").write_bytes(HOSTILE_SVG)
    article = _article(folder, "map.svg")
    out = tmp_path / "out"
    result = _cli("export", str(article), "-f", "rss", "--base-url", BASE, "-o", str(out))
    assert result.returncode == 0, result.stderr
    (media,) = (out / "media").iterdir()
    assert media.suffix == ".svg"
    _assert_inert_svg(media.read_bytes())
    feed = etree.parse(str(out / "map-story.rss"))
    content = feed.find(".//{http://search.yahoo.com/mrss/}content")
    assert content.get("type") == "image/svg+xml"
    assert content.get("url") == f"{BASE}media/{media.name}"
    assert content.get("fileSize") == str(media.stat().st_size)


def test_svg_published_by_the_feed_command_is_sanitised(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "map.svg").write_bytes(HOSTILE_SVG)
    _article(folder, "map.svg")
    out = tmp_path / "site" / "feed.xml"
    result = _cli("feed", str(folder), "-o", str(out), "--title", "News",
                  "--link", "https://news.example.org/", "--base-url", BASE,
                  "--now", "2024-06-01T00:00:00Z")
    assert result.returncode == 0, result.stderr
    (media,) = (out.parent / "media").iterdir()
    _assert_inert_svg(media.read_bytes())


def test_svg_packaged_in_an_epub_is_sanitised(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "map.svg").write_bytes(HOSTILE_SVG)
    article = _article(folder, "map.svg")
    out = tmp_path / "out"
    result = _cli("export", str(article), "-f", "epub", "-o", str(out))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out / "map-story.epub") as book:
        (name,) = [n for n in book.namelist() if n.endswith(".svg")]
        _assert_inert_svg(book.read(name))


def _bmp() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (3, 2), (60, 115, 99)).save(buf, "BMP")  # pixels spell "<sc"
    return buf.getvalue()


def test_a_bmp_named_html_is_published_as_a_png(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "photo.html").write_bytes(_bmp())
    article = _article(folder, "photo.html")
    out = tmp_path / "out"
    result = _cli("export", str(article), "-f", "rss,epub", "--base-url", BASE, "-o", str(out))
    assert result.returncode == 0, result.stderr
    (media,) = (out / "media").iterdir()
    assert media.suffix == ".png"
    with Image.open(media) as im:
        assert (im.format, im.size, im.getpixel((0, 0))) == ("PNG", (3, 2), (60, 115, 99))
    feed = etree.parse(str(out / "map-story.rss"))
    content = feed.find(".//{http://search.yahoo.com/mrss/}content")
    assert content.get("type") == "image/png"
    assert "text/html" not in (out / "map-story.rss").read_text(encoding="utf-8")
    with zipfile.ZipFile(out / "map-story.epub") as book:
        opf = etree.fromstring(book.read("EPUB/package.opf") if "EPUB/package.opf" in
                               book.namelist() else book.read(next(
                                   n for n in book.namelist() if n.endswith(".opf"))))
    types = {item.get("href"): item.get("media-type")
             for item in opf.iter("{http://www.idpf.org/2007/opf}item")}
    pictures = {h: t for h, t in types.items() if h.startswith("images/")}
    assert list(pictures.values()) == ["image/png"]
    assert all(h.endswith(".png") for h in pictures)


def _cut(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.radial_gradient("L").convert("RGB").save(buf, fmt)
    data = buf.getvalue()
    return data[: len(data) // 2]


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "cut.png"), ("JPEG", "cut.jpg")])
def test_a_truncated_picture_is_refused_naming_the_file_and_field(tmp_path, fmt, name) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(_cut(fmt))
    article = _article(folder, name)
    out = tmp_path / "out"
    result = _cli("export", str(article), "-f", "html,rss", "--base-url", BASE, "-o", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "error:" in line and "story.json" in line]
    assert lines, result.stderr
    assert all(f"story.json: lead_image.src: '{name}' is truncated" in line for line in lines)
    assert not (out / "media").exists()
