"""Incremental batches: the manifest decides what is rebuilt, and skipping stays cheap."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exporter.batch import run_batch
from exporter.batch.manifest import MANIFEST_NAME, sha256_file

from .batch_helpers import available, make_articles, outputs


@pytest.fixture
def batch(tmp_path: Path) -> tuple[list[Path], Path, list[str]]:
    """Three articles exported once (in-process) in the cheap formats."""
    paths = make_articles(tmp_path / "in", 3)
    formats = available("html", "rss")
    out = tmp_path / "out"
    first = run_batch(paths, formats, out, jobs=1)
    assert not first.failed and len(first.written) == 3 * len(formats)
    return paths, out, formats


def _mtimes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir()}


def test_manifest_records_each_output(batch) -> None:
    paths, out, _formats = batch
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["schema"] == 1
    record = manifest["outputs"]["story-000.html"]
    assert record["source"] == str(paths[0].resolve())
    assert record["format"] == "html"
    assert record["sha256"] == sha256_file(out / "story-000.html")
    assert record["input_sha256"] == sha256_file(paths[0])
    assert record["images"] == {str((paths[0].parent / name).resolve()):
                                sha256_file(paths[0].parent / name)
                                for name in ("tram.jpg", "route-map.png")}
    assert {"style", "exporter", "writer", "settings"} <= set(record)
    assert manifest["inputs"][str(paths[0].resolve())]["id"] == "story-000"


def test_unchanged_rerun_skips_everything(batch) -> None:
    paths, out, formats = batch
    before = _mtimes(out)
    again = run_batch(paths, formats, out, jobs=2)
    assert again.written == [] and again.failed == []
    assert sorted(p.name for p in again.skipped) == sorted(n for n in before if n != MANIFEST_NAME)
    assert _mtimes(out) == before  # nothing rewritten, not even the manifest


def test_skip_path_imports_no_heavy_library(tmp_path: Path) -> None:
    """The unchanged re-run, in a fresh process, through the CLI, every format."""
    formats = available("html", "pdf", "docx", "epub", "rss")
    src = tmp_path / "in"
    make_articles(src, 2, small=True)
    out = tmp_path / "out"
    args = ["export", str(src), "-f", ",".join(formats), "-o", str(out), "--jobs", "1"]
    code = ("import sys\nfrom exporter.cli import run\n"
            f"status = run({args!r})\n"
            "heavy = [m for m in ('weasyprint', 'docx', 'ebooklib', 'feedgen', 'PIL', 'jinja2')"
            " if m in sys.modules]\n"
            "print('STATUS', status, 'HEAVY', heavy, 'PYDANTIC', 'pydantic' in sys.modules)\n")
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=180)
    assert "STATUS 0" in first.stdout, first.stderr
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert "STATUS 0 HEAVY []" in second.stdout, second.stdout + second.stderr
    assert f"0 file(s) written, {2 * len(formats)} up to date" in second.stderr


def test_force_rebuilds_all(batch) -> None:
    paths, out, formats = batch
    again = run_batch(paths, formats, out, jobs=1, force=True)
    assert len(again.written) == 3 * len(formats) and again.skipped == []


def test_deleted_output_is_rebuilt(batch) -> None:
    paths, out, formats = batch
    (out / "story-001.html").unlink()
    again = run_batch(paths, formats, out, jobs=1)
    assert [p.name for p in again.written] == ["story-001.html"]
    assert (out / "story-001.html").is_file()
    assert len(again.skipped) == 3 * len(formats) - 1


def test_hand_edited_output_is_rebuilt(batch) -> None:
    paths, out, formats = batch
    target = out / "story-002.html"
    good = target.read_bytes()
    stat = target.stat()
    target.write_bytes(good.replace(b"<article", b"<article data-edited", 1))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime
    again = run_batch(paths, formats, out, jobs=1)
    assert [p.name for p in again.written] == ["story-002.html"]
    assert target.read_bytes() == good


def test_changed_article_and_changed_image_are_rebuilt(batch) -> None:
    paths, out, formats = batch
    doc = json.loads(paths[1].read_text(encoding="utf-8"))
    doc["standfirst"] = "A new standfirst"
    paths[1].write_text(json.dumps(doc), encoding="utf-8")
    again = run_batch(paths, formats, out, jobs=1)
    assert sorted(p.name for p in again.written) == sorted(f"story-001.{f}" for f in formats)
    # Every article uses route-map.png: changing its bytes rebuilds all of them.
    image = paths[0].parent / "route-map.png"
    image.write_bytes(image.read_bytes() + b"\0")
    again = run_batch(paths, formats, out, jobs=1)
    assert len(again.written) == 3 * len(formats) and again.skipped == []


def test_new_format_renders_only_that_format(batch) -> None:
    paths, out, _formats = batch
    again = run_batch(paths, ["html"], out, jobs=1)  # a subset: all skipped
    assert again.written == [] and len(again.skipped) == 3
    extra = available("epub")
    if extra:
        again = run_batch(paths, ["html", *extra], out, jobs=1)
        assert sorted(p.name for p in again.written) == [f"story-{i:03d}.epub" for i in range(3)]


def test_changed_settings_rebuild(batch, tmp_path: Path) -> None:
    paths, out, formats = batch
    from exporter.writers import WriteOptions

    again = run_batch(paths, formats, out, WriteOptions(base_url="https://example.org/news/"),
                      jobs=1)
    assert len(again.written) == 3 * len(formats)
    style = tmp_path / "style"
    style.mkdir()
    (style / "html.css").write_text("body { color: #111 }\n", encoding="utf-8")
    again = run_batch(paths, ["html"], out, WriteOptions(base_url="https://example.org/news/",
                                                         style_dir=style), jobs=1)
    assert len(again.written) == 3


def test_damaged_manifest_means_rebuild(batch, caplog: pytest.LogCaptureFixture) -> None:
    paths, out, formats = batch
    (out / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    again = run_batch(paths, formats, out, jobs=1)
    assert len(again.written) == 3 * len(formats)
    assert "manifest is damaged" in caplog.text
    assert json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["schema"] == 1


def test_cli_force_and_summary_line(batch) -> None:
    paths, out, formats = batch
    from exporter.cli import run

    before = outputs(out)
    assert run(["export", *map(str, paths), "-f", ",".join(formats), "-o", str(out), "-q",
                "--force"]) == 0
    assert outputs(out) == before  # rebuilt, same bytes (deterministic)


@pytest.mark.skipif(not available("rss"), reason="the RSS writer is not available")
def test_deleted_companion_media_is_rebuilt(tmp_path: Path) -> None:
    from exporter.writers import WriteOptions

    paths = make_articles(tmp_path / "in", 1)
    out = tmp_path / "out"
    options = WriteOptions(base_url="https://example.org/news/")
    first = run_batch(paths, ["rss"], out, options, jobs=1)
    media = [p for p in (out / "media").iterdir()] if (out / "media").is_dir() else []
    assert not first.failed and media
    assert run_batch(paths, ["rss"], out, options, jobs=1).written == []
    media[0].unlink()
    again = run_batch(paths, ["rss"], out, options, jobs=1)
    assert [p.name for p in again.written] == ["story-000.rss"] and media[0].is_file()


def test_manifest_is_saved_as_the_batch_goes(tmp_path: Path) -> None:
    """A run killed part-way keeps the records of what it finished (issue 15, item 11)."""
    from exporter.batch import Reporter

    paths = make_articles(tmp_path / "in", 3, small=True)
    out = tmp_path / "out"
    seen: list[set[str]] = []

    class Peek(Reporter):
        def advance(self) -> None:  # one article finished: what does the disk say now?
            try:
                on_disk = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
            except FileNotFoundError:
                on_disk = {"outputs": {}}
            seen.append(set(on_disk["outputs"]))

    summary = run_batch(paths, ["html"], out, jobs=1, reporter=Peek(), save_every=0)
    assert not summary.failed
    assert seen == [{"story-000.html"}, {"story-000.html", "story-001.html"},
                    {"story-000.html", "story-001.html", "story-002.html"}]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_hashing_never_opens_a_fifo_or_a_device(tmp_path: Path) -> None:
    """sha256_file returns None for anything but a regular file, without blocking on it."""
    import threading

    os.mkfifo(tmp_path / "pipe")
    results: dict[str, str | None] = {}

    def hash_all() -> None:
        for name in ("/dev/zero", str(tmp_path / "pipe"), str(tmp_path)):
            results[name] = sha256_file(name)

    thread = threading.Thread(target=hash_all, daemon=True)
    thread.start()
    thread.join(30)  # a guard: before the fix this blocked forever on the FIFO
    assert not thread.is_alive()
    assert results == {"/dev/zero": None, str(tmp_path / "pipe"): None, str(tmp_path): None}
