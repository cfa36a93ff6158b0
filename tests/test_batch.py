"""Batch export: worker processes, failures that stay alone, determinism, timeouts, --json."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from exporter.batch import Job, RenderTimeout, deadline, run_batch, run_job
from exporter.cli import run

from .batch_helpers import available, exporter_cmd, make_articles, outputs


def _check_valid(path: Path) -> None:
    """Read each output back with an independent reader."""
    data = path.read_bytes()
    if path.suffix == ".html":
        assert b"<article" in data
    elif path.suffix == ".pdf":
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    elif path.suffix in (".docx", ".epub"):
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            names = archive.namelist()
            assert ("word/document.xml" in names) if path.suffix == ".docx" else (
                names[0] == "mimetype")
    elif path.suffix == ".rss":
        assert etree.fromstring(data).tag == "rss"


def test_parallel_batch_bad_input_fails_alone(tmp_path: Path) -> None:
    formats = available("html", "pdf", "docx", "epub", "rss")
    src = tmp_path / "in"
    make_articles(src, 3)
    (src / "broken.json").write_text('{"headline": "x",', encoding="utf-8")
    (src / "missing-image.json").write_text(
        '{"id": "no-pic", "headline": "No picture", "lead_image": {"src": "nope.png", "alt": "a"}}',
        encoding="utf-8")
    out = tmp_path / "out"
    result = exporter_cmd("export", str(src), "-f", ",".join(formats), "-o", str(out),
                          "--jobs", "2", "--executor", "process")
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert any("broken.json" in line and "invalid JSON" in line for line in errors), errors
    assert all("missing-image.json" in line and "lead_image.src" in line
               for line in errors if "missing-image" in line)
    assert "Traceback" not in result.stderr
    written = outputs(out)
    for i in range(3):
        for fmt in formats:
            path = out / f"story-{i:03d}.{fmt}"
            assert path.name in written
            _check_valid(path)
    assert "no-pic.html" not in written  # the HTML writer needs the picture; RSS may leave it out
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_jobs_2_writes_the_same_bytes_as_jobs_1(tmp_path: Path) -> None:
    formats = available("html", "docx", "epub", "rss")
    src = tmp_path / "in"
    make_articles(src, 4)
    one, two = tmp_path / "one", tmp_path / "two"
    s1 = run_batch(sorted(src.glob("*.json")), formats, one, jobs=1)
    s2 = run_batch(sorted(src.glob("*.json")), formats, two, jobs=2, executor="process")
    assert (s1.executor, s2.executor) == ("inline", "process")
    assert not s1.failed and not s2.failed
    first, second = outputs(one), outputs(two)
    assert len(first) == 4 * len(formats)
    assert first == second


def test_json_summary_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    make_articles(src, 2)
    (src / "bad.json").write_text('{"headline": ""}', encoding="utf-8")
    out = tmp_path / "out"
    assert run(["export", str(src), "-f", "html", "-o", str(out), "--json", "--jobs", "1"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert set(summary) >= {"written", "skipped", "failed", "seconds", "counts"}
    assert summary["written"] == [str(out / "story-000.html"), str(out / "story-001.html")]
    assert summary["skipped"] == []
    assert summary["failed"] == [{"file": str(src / "bad.json"), "format": None,
                                  "reason": f"{src / 'bad.json'}: headline: must not be empty"}]
    assert summary["counts"] == {"written": 2, "skipped": 0, "failed": 1}
    assert isinstance(summary["seconds"], float)
    # The unchanged re-run: everything skipped, nothing but JSON on stdout.
    assert run(["export", str(src / "story-000.json"), str(src / "story-001.json"), "-f", "html",
                "-o", str(out), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["written"] == [] and len(again["skipped"]) == 2 and again["failed"] == []


def test_watchdog_interrupts_python_code_and_only_when_late() -> None:
    with pytest.raises(RenderTimeout), deadline(0.05):
        while True:
            sum(range(1000))
    with deadline(5):  # finishes in time: nothing raised, nothing pending afterwards
        sum(range(1000))
    time.sleep(0.01)


def test_tiny_timeout_in_process(tmp_path: Path) -> None:
    [huge] = make_articles(tmp_path / "in", 0, huge=100)
    from exporter import load

    job = Job(0, str(huge), ("html",), str(tmp_path / "out"), {}, "k", load(huge), timeout=0.001)
    [outcome] = run_job(job).results
    assert outcome.timed_out and outcome.path is None
    assert outcome.error == f"{huge}: html: render timed out after 0.001 s"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.skipif(not available("pdf"), reason="the PDF writer is not available")
def test_pdf_timeout_fires_and_the_rest_is_written(tmp_path: Path) -> None:
    src = tmp_path / "in"
    make_articles(src, 2, huge=300, small=True)  # the huge one: a minute of PDF layout
    out = tmp_path / "out"
    started = time.monotonic()
    result = exporter_cmd("export", str(src), "-f", "pdf,html", "-o", str(out), "--jobs", "2",
                          "--timeout", "5")
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert errors == [f"exporter: error: {src / 'huge.json'}: pdf: render timed out after 5 s"]
    names = outputs(out)
    assert {"story-000.pdf", "story-001.pdf", "story-000.html", "story-001.html",
            "huge.html"} == set(names)
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(not available("pdf"), reason="the PDF writer is not available")
def test_stuck_worker_is_killed_and_replaced(tmp_path: Path) -> None:
    """Without the in-worker watchdog, the parent kills the worker; the batch goes on."""
    paths = make_articles(tmp_path / "in", 3, huge=300, small=True)
    huge = paths.pop()
    out = tmp_path / "out"
    started = time.monotonic()
    summary = run_batch([huge, *paths], ["pdf", "html"], out, jobs=2, timeout=4,
                        executor="process", soft_timeout=False, kill_grace=0.5, chunk_size=1)
    assert time.monotonic() - started < 45
    assert [(f.file, f.format, f.reason) for f in summary.failed] == [
        (str(huge), "pdf", f"{huge}: pdf: render timed out after 4 s")]
    # The killed article's remaining format was rendered by a replacement worker.
    assert set(outputs(out)) == {"huge.html"} | {f"story-{i:03d}.{fmt}" for i in range(3)
                                                for fmt in ("pdf", "html")}


def test_recycled_workers_finish_the_batch(tmp_path: Path) -> None:
    paths = make_articles(tmp_path / "in", 3, small=True)
    summary = run_batch(paths, ["html"], tmp_path / "out", jobs=2, executor="process",
                        recycle_after=1, chunk_size=1)
    assert not summary.failed
    assert [p.name for p in summary.written] == [f"story-{i:03d}.html" for i in range(3)]


def test_duplicate_ids_in_a_parallel_batch(tmp_path: Path) -> None:
    src = tmp_path / "in"
    make_articles(src, 2)
    (src / "z-copy.json").write_text((src / "story-001.json").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    summary = run_batch(sorted(src.glob("*.json")), ["html"], tmp_path / "out", jobs=2,
                        executor="process")
    assert [(Path(f.file).name, f.format) for f in summary.failed] == [("z-copy.json", None)]
    assert "also the id of" in summary.failed[0].reason
    assert len(summary.written) == 2


@pytest.mark.skipif(not available("pdf"), reason="the PDF writer is not available")
def test_a_worker_that_dies_costs_only_its_render(tmp_path: Path) -> None:
    """SIGKILL a worker mid-render (as the OOM killer would): that format fails, the rest go on."""
    import multiprocessing
    import os
    import signal
    import threading

    paths = make_articles(tmp_path / "in", 2, huge=300, small=True)
    huge = paths.pop()
    out = tmp_path / "out"
    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(summary=run_batch(
        [huge, *paths], ["html", "pdf"], out, jobs=1, timeout=0, executor="process")))
    thread.start()
    deadline_at = time.monotonic() + 60
    while not (out / "huge.html").exists():  # written: the huge PDF (a minute or so) is next
        assert time.monotonic() < deadline_at and thread.is_alive()
        time.sleep(0.05)
    time.sleep(0.5)
    [worker] = [p for p in multiprocessing.active_children() if p.name == "exporter-worker"]
    os.kill(worker.pid, signal.SIGKILL)
    thread.join(120)
    summary = result["summary"]
    assert [(f.file, f.format, f.reason) for f in summary.failed] == [
        (str(huge), "pdf", f"{huge}: pdf: worker process died (killed by SIGKILL (out of memory?))")]
    assert set(outputs(out)) == {"huge.html", "story-000.pdf", "story-000.html",
                                 "story-001.pdf", "story-001.html"}
