"""Hostile input against the batch runner (``exporter export`` with many inputs).

Grouped by threat, as in issue 15: denial of service (an article whose
picture is ``/dev/zero`` or a FIFO; an article nested too deeply to pickle),
disclosure (the manifest in the published output folder must not hash or
even name a file the resource gate refused) and faults (kill -9 of the CLI:
the re-run skips what was finished, and no worker process outlives it).

Every run is the real CLI in a subprocess; a subprocess ``timeout`` guards
the cases that used to hang (it is a guard, not a timing assertion).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..batch_helpers import available, exporter_cmd, make_articles

MANIFEST = ".exporter-manifest.json"
SECRET = "TOPSECRET-batch-5d21"
#: seconds a batch that must not hang may take at most (a busy 2-core machine: ~5 s)
GUARD = 120


def write_article(folder: Path, name: str, doc: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def with_picture(article_id: str, src: str) -> dict:
    return {"id": article_id, "headline": f"Story {article_id}",
            "lead_image": {"src": src, "alt": "A picture"},
            "body": [{"type": "paragraph", "content": "The council met on Tuesday."}]}


def good(article_id: str = "good") -> dict:
    return {"id": article_id, "headline": "The council met",
            "body": [{"type": "paragraph", "content": "The council met on Tuesday."}]}


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("exporter: error:")]


# --- denial of service ------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_device_and_fifo_pictures_fail_alone_and_the_batch_finishes(tmp_path: Path) -> None:
    """Before: the parent hashed /dev/zero for the manifest and never finished."""
    src = tmp_path / "in"
    zero = write_article(src, "zero", with_picture("zero", "/dev/zero"))
    os.mkfifo(src / "pipe.jpg")
    fifo = write_article(src, "fifo", with_picture("fifo", "pipe.jpg"))
    fine = write_article(src, "good", good())
    out = tmp_path / "out"
    result = exporter_cmd("export", str(zero), str(fifo), str(fine), "-f", "html,ninjs",
                          "-o", str(out), "--jobs", "1", timeout=GUARD)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "good.html").is_file() and (out / "good.ninjs").is_file()
    errors = error_lines(result.stderr)
    assert any(str(zero) in line and "/dev/zero" in line for line in errors), errors
    assert any(str(fifo) in line and "pipe.jpg" in line for line in errors), errors
    manifest = (out / MANIFEST).read_text(encoding="utf-8")
    assert "/dev/zero" not in manifest
    assert "pipe.jpg" not in manifest


def test_a_fifo_input_fails_alone(tmp_path: Path) -> None:
    """A FIFO named as an input is refused with one line; the other input is written."""
    src = tmp_path / "in"
    fine = write_article(src, "good", good())
    os.mkfifo(src / "pipe.json")
    out = tmp_path / "out"
    result = exporter_cmd("export", str(src / "pipe.json"), str(fine), "-f", "html",
                          "-o", str(out), "--jobs", "1", timeout=GUARD)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "good.html").is_file()
    assert [line for line in error_lines(result.stderr) if "pipe.json" in line
            and "FIFO" in line], result.stderr


def nested_em(depth: int) -> dict:
    content: object = "deep"
    for _ in range(depth):
        content = [{"type": "em", "content": content}]
    return {"id": "deep", "headline": "Deep", "body": [{"type": "paragraph", "content": content}]}


def test_an_article_too_deep_to_pickle_does_not_kill_a_process_batch(tmp_path: Path) -> None:
    """Before: pickling the job raised RecursionError: a traceback and 0 files written.

    The model may refuse such nesting (then the article fails alone with one
    line naming it) or the worker reads it itself and writes it; either way
    the good article is written and there is no traceback.
    """
    src = tmp_path / "in"
    deep = write_article(src, "deep", nested_em(200))
    fine = write_article(src, "good", good())
    out = tmp_path / "out"
    result = exporter_cmd("export", str(deep), str(fine), "-f", "html,ninjs", "-o", str(out),
                          "--jobs", "2", "--executor", "process", timeout=GUARD)
    assert "Traceback" not in result.stderr, result.stderr
    assert (out / "good.html").is_file() and (out / "good.ninjs").is_file()
    if (out / "deep.html").is_file():
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 1
        assert [line for line in error_lines(result.stderr) if str(deep) in line], result.stderr


def test_an_unpicklable_job_is_sent_without_its_article() -> None:
    """The executors' sending rule: a job pickle cannot take goes with article=None."""
    import pickle

    from exporter.batch import Job
    from exporter.batch.executors import portable
    from exporter.model import Article, Em, Paragraph

    # The model refuses such nesting from input (32 levels); a plugin reader that
    # builds models directly (model_construct) can still hand one to the batch.
    content: object = "deep"
    for _ in range(2000):
        content = (Em.model_construct(type="em", content=(content,)),)
    article = Article.model_construct(id="deep", headline="Deep", body=(
        Paragraph.model_construct(type="paragraph", content=content),))
    job = Job(0, "deep.json", ("html",), "/tmp/out", {}, article=article)
    with pytest.raises(RecursionError):
        pickle.dumps(job)
    sent = portable(job)
    assert isinstance(sent, Job)
    assert sent.article is None and sent.source == "deep.json" and sent.formats == ("html",)


# --- disclosure -----------------------------------------------------------------------------


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    secret = tmp_path / "private" / "secret.jpg"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    return secret


def test_manifest_records_no_refused_path(tmp_path: Path, secret_file: Path) -> None:
    """Before: the published manifest held the sha256 of any file an article named."""
    src = tmp_path / "in"
    (src).mkdir()
    (src / "link.jpg").symlink_to(secret_file)
    absolute = write_article(src, "absolute", with_picture("absolute", str(secret_file)))
    url = write_article(src, "url", with_picture("url", secret_file.as_uri()))
    linked = write_article(src, "linked", with_picture("linked", "link.jpg"))
    traversal = write_article(src, "traversal", with_picture("traversal",
                                                             "../private/secret.jpg"))
    fine = write_article(src, "fine", good("fine"))
    out = tmp_path / "out"
    # every format now publishes or embeds the picture, so each hostile article fails
    # alone (one line naming it); the manifest beside the good output must not hold
    # the secret's hash or its path either way
    result = exporter_cmd("export", str(absolute), str(url), str(linked), str(traversal),
                          str(fine), "-f", "ninjs,html", "-o", str(out), "--jobs", "1",
                          timeout=GUARD)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    for hostile in (absolute, url, linked, traversal):
        assert [line for line in error_lines(result.stderr) if str(hostile) in line], \
            result.stderr
    assert (out / "fine.ninjs").is_file() and (out / "fine.html").is_file()
    text = (out / MANIFEST).read_text(encoding="utf-8")
    document = json.loads(text)
    assert {"fine.ninjs", "fine.html"} <= set(document["outputs"])
    assert hashlib.sha256(SECRET.encode()).hexdigest() not in text
    assert "secret.jpg" not in text and "private" not in text


def test_manifest_still_records_accepted_pictures(tmp_path: Path) -> None:
    """The gate's accepted pictures are still hashed: editing one rebuilds the output."""
    src = tmp_path / "in"
    src.mkdir()
    from PIL import Image

    Image.new("RGB", (8, 6), "navy").save(src / "photo.jpg", "JPEG")
    photo = (src / "photo.jpg").read_bytes()
    story = write_article(src, "story", with_picture("story", "photo.jpg"))
    out = tmp_path / "out"
    result = exporter_cmd("export", str(story), "-f", "ninjs", "-o", str(out), timeout=GUARD)
    assert result.returncode == 0, result.stderr
    record = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["outputs"]["story.ninjs"]
    assert record["images"] == {
        str((src / "photo.jpg").resolve()): hashlib.sha256(photo).hexdigest()}
    assert "volatile" not in record


# --- faults ---------------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "exporter", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _recorded_outputs(out: Path) -> set[str]:
    try:
        return set(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["outputs"])
    except (OSError, ValueError, KeyError):
        return set()


def test_kill_9_mid_batch_then_the_rerun_skips_what_was_finished(tmp_path: Path) -> None:
    """Before: the manifest was saved only at the end; the re-run rendered everything."""
    paths = make_articles(tmp_path / "in", 300, small=True)
    out = tmp_path / "out"
    proc = _cli("export", str(tmp_path / "in"), "-f", "html,ninjs", "-o", str(out),
                "--jobs", "1", "-q")
    recorded: set[str] = set()
    try:
        deadline = time.monotonic() + GUARD
        while proc.poll() is None and time.monotonic() < deadline:
            recorded = _recorded_outputs(out)
            if len(recorded) >= 4:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the batch ended before any manifest was saved"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.communicate()
    recorded = _recorded_outputs(out)
    assert 4 <= len(recorded) < 600
    rerun = exporter_cmd("export", str(tmp_path / "in"), "-f", "html,ninjs", "-o", str(out),
                         "--jobs", "1", "--json", timeout=GUARD * 3)
    assert rerun.returncode == 0, rerun.stderr
    counts = json.loads(rerun.stdout)["counts"]
    assert counts["skipped"] >= len(recorded)
    assert counts["written"] + counts["skipped"] == 2 * len(paths)
    assert counts["written"] > 0  # it was really killed part-way


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return b""


def _running(pid: int) -> bool:
    """Alive and not a zombie (a container's init may never reap an orphan)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.skipif(not available("pdf"), reason="needs the PDF writer (a long render)")
def test_workers_do_not_outlive_a_killed_parent(tmp_path: Path) -> None:
    """Before: a worker busy rendering a PDF went on for seconds after kill -9 of the CLI."""
    make_articles(tmp_path / "in", 0, huge=40)  # one article, about 20 s of PDF layout
    out = tmp_path / "out"
    proc = _cli("export", str(tmp_path / "in" / "huge.json"), "-f", "pdf", "-o", str(out),
                "--executor", "process", "--timeout", "0", "-q")
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + GUARD
        while proc.poll() is None and time.monotonic() < deadline:
            workers = {p for p in _children(proc.pid)
                       if b"spawn_main" in _cmdline(p)}
            if workers:
                time.sleep(3)  # starting takes about a second; then the huge PDF renders
                break
            time.sleep(0.05)
        assert proc.poll() is None and workers, "no worker process was seen"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        time.sleep(1.0)
        left = {p for p in workers if _running(p)}
    finally:
        proc.kill()
        proc.communicate()
        for p in workers:
            if _running(p):
                os.kill(p, signal.SIGKILL)
    assert left == set()
    assert not list(out.glob("huge*.pdf"))  # the killed render wrote nothing
