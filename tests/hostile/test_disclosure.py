"""Local-file disclosure through inputs: folder symlinks, special files, API sources.

Every case runs the real CLI (or the public API) on files written here and
reads the outputs back as bytes: the secret must appear nowhere, not in a
file's content and not in its name, and the good article beside the hostile
one must still be written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

SECRET = "TOPSECRET-disclosure-51c2"

GOOD = {"id": "good-story", "headline": "Council approves the budget",
        "body": [{"type": "paragraph", "content": "The vote was close."}]}


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run([sys.executable, "-m", "exporter", *args], capture_output=True,
                          text=True, env=env, timeout=timeout)


def _everything(out: Path) -> str:
    """Names and bytes of every file under ``out``, as one string."""
    parts = []
    for path in sorted(out.rglob("*")):
        parts.append(str(path))
        if path.is_file():
            parts.append(path.read_bytes().decode("latin-1"))
    return "\n".join(parts)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "private" / "secret.txt"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\n\nThe password is {SECRET}.\n", encoding="utf-8")
    return path


def test_a_symlink_in_an_input_folder_to_a_file_outside_is_refused(tmp_path, secret) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(GOOD), encoding="utf-8")
    (folder / "leak.txt").symlink_to(secret)
    out = tmp_path / "out"
    result = _cli("export", str(folder), "-f", "html,rss,ninjs", "-o", str(out))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    refusal = [line for line in result.stderr.splitlines() if "leak.txt" in line]
    assert len(refusal) == 1, result.stderr
    assert "symlink to a file outside the folder" in refusal[0]
    assert SECRET not in _everything(out)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "good-story.html", "good-story.ninjs", "good-story.rss"]


def test_a_symlink_that_stays_inside_the_folder_is_read(tmp_path) -> None:
    folder = tmp_path / "stories"
    (folder / ".archive").mkdir(parents=True)  # hidden: not an input itself
    (folder / ".archive" / "good.json").write_text(json.dumps(GOOD), encoding="utf-8")
    (folder / "today.json").symlink_to(Path(".archive") / "good.json")
    result = _cli("export", str(folder), "-f", "ninjs", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "good-story.ninjs").is_file()


def test_a_symlinked_subfolder_pointing_outside_is_refused(tmp_path, secret) -> None:
    (secret.parent / "leak.md").write_text(f"# {SECRET}\n\nBody.\n", encoding="utf-8")
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(GOOD), encoding="utf-8")
    (folder / "elsewhere").symlink_to(secret.parent, target_is_directory=True)
    out = tmp_path / "out"
    result = _cli("export", str(folder), "-f", "ninjs", "-o", str(out))
    assert SECRET not in _everything(out)
    assert "Traceback" not in result.stderr


def test_a_fifo_in_an_input_folder_is_refused_without_waiting(tmp_path) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(GOOD), encoding="utf-8")
    os.mkfifo(folder / "pipe.json")
    out = tmp_path / "out"
    result = _cli("export", str(folder), "-f", "ninjs", "-o", str(out), timeout=60)
    assert result.returncode == 1, result.stderr
    assert any("pipe.json" in line and "FIFO" in line for line in result.stderr.splitlines())
    assert (out / "good-story.ninjs").is_file()


def test_a_fifo_named_on_the_command_line_does_not_block_the_others(tmp_path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD), encoding="utf-8")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    result = _cli("export", str(fifo), str(good), "-f", "ninjs", "-o", str(out), timeout=60)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{fifo}: is a FIFO; only regular files are read" in result.stderr
    assert (out / "good-story.ninjs").is_file()


def test_load_refuses_a_device_and_a_fifo_with_one_line() -> None:
    from exporter import load
    from exporter.errors import InputError

    with pytest.raises(InputError) as caught:
        load("/dev/zero", format="text")
    assert str(caught.value) == "/dev/zero: is a character device; only regular files are read"


def test_load_does_not_wait_for_a_fifo_writer(tmp_path) -> None:
    from exporter import load
    from exporter.errors import InputError

    fifo = tmp_path / "story.json"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            load(fifo)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # release the blocked open so the thread ends
        with open(fifo, "wb"):
            pass
        pytest.fail("load() blocked on a FIFO")
    assert len(outcome) == 1 and isinstance(outcome[0], InputError)
    assert str(outcome[0]) == f"{fifo}: is a FIFO; only regular files are read"


def test_a_symlink_named_on_the_command_line_is_followed(tmp_path) -> None:
    """Documented in docs/security.md: what the user names is what the user chose."""
    real = tmp_path / "cms" / "story.json"
    real.parent.mkdir()
    real.write_text(json.dumps(GOOD), encoding="utf-8")
    link = tmp_path / "today.json"
    link.symlink_to(real)
    result = _cli("export", str(link), "-f", "ninjs", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "good-story.ninjs").is_file()


def test_gate_accepts_never_opens_a_fifo(tmp_path) -> None:
    from exporter.resources import ResourceGate

    folder = tmp_path / "story"
    folder.mkdir()
    os.mkfifo(folder / "pipe.png")
    (folder / "photo.png").write_bytes(b"not checked here")
    gate = ResourceGate.for_article(folder)
    assert gate.accepts("pipe.png", folder) is False  # returns at once: nothing is opened
    assert gate.accepts("photo.png", folder) is True
    assert gate.accepts("/dev/zero", folder) is False
    assert gate.accepts("../story/photo.png", folder) is True
    assert gate.accepts(str(tmp_path), folder) is False


def _png_1x1() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1, 1), (200, 10, 10)).save(buf, "PNG")
    return buf.getvalue()


def test_from_data_with_a_str_source_resolves_pictures_in_its_folder(tmp_path, monkeypatch):
    from exporter import export
    from exporter.model import Article

    cms = tmp_path / "srv" / "cms"
    cms.mkdir(parents=True)
    (cms / "lead.png").write_bytes(_png_1x1())
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    data = {**GOOD, "lead_image": {"src": "lead.png", "alt": "A red dot"}}
    article = Article.from_data(data, source=str(cms / "story.json"))
    assert article.base_dir == cms
    (written,) = export(article, "html", tmp_path / "out")
    assert "data:image/png;base64," in written.read_text(encoding="utf-8")


def test_from_data_with_a_str_source_refuses_absolute_paths_even_from_root(
        tmp_path, monkeypatch, secret) -> None:
    from exporter import export
    from exporter.errors import ResourceError
    from exporter.model import Article

    secret_png = secret.parent / "secret.png"
    secret_png.write_bytes(_png_1x1())
    cms = tmp_path / "srv" / "cms"
    cms.mkdir(parents=True)
    monkeypatch.chdir("/")
    data = {**GOOD, "lead_image": {"src": str(secret_png), "alt": "x"}}
    article = Article.from_data(data, source=str(cms / "story.json"))
    with pytest.raises(ResourceError) as caught:
        export(article, "html", tmp_path / "out")
    assert caught.value.field == "lead_image.src"
    assert "outside the article's folder" in str(caught.value)


def test_feed_refuses_a_symlink_in_its_input_folder(tmp_path, secret) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    dated = {**GOOD, "published": "2026-03-02T18:30:00+01:00"}
    (folder / "good.json").write_text(json.dumps(dated), encoding="utf-8")
    (folder / "leak.txt").symlink_to(secret)
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    out = tmp_path / "site" / "feed.xml"
    result = _cli("feed", str(folder), "-o", str(out), "--title", "T",
                  "--link", "https://news.example/", "--now", "2026-03-03T00:00:00Z", timeout=60)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len([line for line in lines if "leak.txt" in line]) == 1, result.stderr
    assert any("pipe.txt" in line and "refused" in line for line in lines), result.stderr
    assert SECRET not in _everything(out.parent)
    assert "Council approves the budget" in out.read_text(encoding="utf-8")
