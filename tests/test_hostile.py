"""A corpus of hostile and broken inputs, each with its exact expected outcome.

Every case runs through the real CLI in a subprocess with all four main
formats: no secret file content in any output, zero requests to a local HTTP
server, no script/iframe/javascript: in any output, exit 0 or 1 and never a
traceback.
"""

from __future__ import annotations

import http.server
import json
import os
import struct
import subprocess
import sys
import threading
import zipfile
import zlib
from pathlib import Path

import pytest

FORMATS = "pdf,docx,epub,rss,html"
SECRET = "TOPSECRET-7f3a9c"


@pytest.fixture(scope="module")
def http_server():
    """A local HTTP server that records every request it receives."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(_png(2, 2))

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def _png(width: int, height: int) -> bytes:
    """A valid PNG of the given size, built by hand (huge sizes stay tiny: zeros compress)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = zlib.compress(b"\x00" * (width + 1) * min(height, 4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def run_export(*inputs: Path, out: Path, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run([sys.executable, "-m", "exporter", "export", *map(str, inputs),
                           "-f", FORMATS, "-o", str(out), *extra],
                          capture_output=True, text=True, env=env, timeout=300)


def all_output_text(out: Path, pdf_text: bool = True) -> str:
    """Everything in the output folder as text: files, ZIP members, PDF text and raw bytes.

    With ``pdf_text=False`` the PDF's extracted text is left out: it is what a
    reader sees on the page (a headline may literally say "<script>"), not markup.
    """
    chunks: list[str] = []
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"PK":
            with zipfile.ZipFile(path) as z:
                chunks += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        elif data[:4] == b"%PDF":
            from pypdf import PdfReader

            reader = PdfReader(path)
            if pdf_text:
                chunks.append("".join(page.extract_text() or "" for page in reader.pages))
            assert "/OpenAction" not in reader.trailer["/Root"]
            assert "/JavaScript" not in reader.trailer["/Root"].get("/Names", {})
            chunks.append(repr(reader.attachments))
            chunks.append(data.decode("latin-1"))
        else:
            chunks.append(data.decode("utf-8", "replace"))
    return "\n".join(chunks)


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    secret = tmp_path / "secret" / "passwords.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    return secret


def outputs(out: Path) -> list[str]:
    """Output files, without the batch manifest (a hidden bookkeeping file)."""
    return sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) if out.exists() else []


def write_article(folder: Path, name: str, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("src_kind", ["absolute", "traversal", "file-url", "symlink"])
def test_local_file_images_are_refused(tmp_path, secret_file, src_kind: str) -> None:
    art_dir = tmp_path / "articles"
    art_dir.mkdir()
    src = {"absolute": str(secret_file), "traversal": "../secret/passwords.txt",
           "file-url": secret_file.as_uri(), "symlink": "link.png"}[src_kind]
    if src_kind == "symlink":
        (art_dir / "link.png").symlink_to(secret_file)
    article = write_article(art_dir, "a.json", {"headline": "Leak", "lead_image": {
        "src": src, "alt": "x"}, "body": [{"type": "paragraph", "content": "Body."}]})
    out = tmp_path / "out"
    result = run_export(article, out=out)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "lead_image.src" in result.stderr and "a.json" in result.stderr
    assert outputs(out) == []


@pytest.mark.parametrize("allow", [False, True])
def test_remote_images_never_reach_the_network(tmp_path, http_server, allow: bool) -> None:
    base, hits = http_server
    hits.clear()
    article = write_article(tmp_path / "a", "a.json", {"headline": "Remote", "lead_image": {
        "src": f"{base}/lead.png", "alt": "x"}, "body": [
        {"type": "figure", "image": {"src": f"{base}/fig.png", "alt": "y"}}]})
    result = run_export(article, out=tmp_path / "out",
                        extra=("--allow-remote",) if allow else ())
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # Refused by default; with --allow-remote still refused: 127.0.0.1 is a loopback address.
    assert ("--allow-remote" in result.stderr) != allow
    assert "private or local address" in result.stderr or not allow
    assert hits == []


def test_scripts_and_javascript_never_reach_any_output(tmp_path, secret_file) -> None:
    md = tmp_path / "in" / "evil.md"
    md.parent.mkdir()
    md.write_text(
        "---\nheadline: <script>alert('h')</script> Evil\nstandfirst: <iframe src=x></iframe>\n---\n\n"
        "<script>alert(1)</script>\n\n<style>body{background:url(http://127.0.0.1:9/x)}</style>\n\n"
        f'<link rel="attachment" href="{secret_file.as_uri()}">\n\n'
        "Click [here](javascript:alert(1)) or [there](JaVaScRiPt:alert(2)) "
        f"or [file]({secret_file.as_uri()}).\n\n"
        "<img src=x onerror=alert(1)> <iframe src='http://127.0.0.1:9/'></iframe>\n",
        encoding="utf-8")
    out = tmp_path / "out"
    result = run_export(md, out=out)
    assert result.returncode == 0, result.stderr
    assert SECRET.lower() not in all_output_text(out).lower()
    markup = all_output_text(out, pdf_text=False).lower()
    for needle in ("<script", "<iframe", "javascript:", "onerror=", "<link rel=\"attachment"):
        assert needle not in markup, needle


def test_text_xml_cannot_carry_is_removed_and_all_formats_write(tmp_path) -> None:
    article = write_article(tmp_path / "in", "c.json", {
        "headline": "Control\x00 chars\x0b here\ufffe", "standfirst": "form\x0cfeed",
        "bylines": [{"name": "Ana\x01 Costa"}],
        "body": [{"type": "paragraph", "content": ["nul\x00", {"type": "em", "content": "x\x1f"}]}]})
    out = tmp_path / "out"
    result = run_export(article, out=out)
    assert result.returncode == 0, result.stderr
    assert "XML cannot carry" in result.stderr
    assert len(outputs(out)) == len(FORMATS.split(","))
    assert "Control chars here" in all_output_text(out)


def test_decompression_bomb_is_a_clear_error(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bomb.png").write_bytes(_png(30000, 30000))
    article = write_article(folder, "b.json", {"headline": "Bomb", "lead_image": {
        "src": "bomb.png", "alt": "x"}})
    result = run_export(article, out=tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "lead_image.src" in result.stderr and "pixels" in result.stderr


def test_mixed_batch_writes_the_good_ones(tmp_path) -> None:
    folder = tmp_path / "in"
    write_article(folder, "good.json", {"headline": "Good", "body": [
        {"type": "paragraph", "content": "Fine."}]})
    write_article(folder, "naive.json", {"headline": "Naive", "published": "2026-01-01T10:00:00"})
    write_article(folder, "types.json", {"headline": "Types", "tags": "not-a-list"})
    write_article(folder, "block.json", {"headline": "Block", "body": [{"type": "marquee"}]})
    (folder / "broken.json").write_text('{"headline": ', encoding="utf-8")
    (folder / "latin.json").write_bytes('{"headline": "Caf\u00e9"}'.encode("latin-1"))
    write_article(folder, "zdup.json", {"headline": "Good"})
    out = tmp_path / "out"
    result = run_export(folder, out=out)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [ln for ln in result.stderr.splitlines() if "error:" in ln]
    expected = {"naive.json": "published", "types.json": "tags", "block.json": "body[0]",
                "broken.json": "invalid JSON", "latin.json": "not UTF-8", "zdup.json": "id 'good'"}
    for name, words in expected.items():
        assert any(name in ln and words in ln for ln in errors), (name, result.stderr)
    assert outputs(out) == sorted(
        f"good.{fmt}" for fmt in FORMATS.split(","))
