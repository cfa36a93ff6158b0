"""The command line: exit codes, one-line messages, atomic writes, lazy imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exporter.cli import run

from .conftest import fixture_path

TRAM = str(fixture_path("tram-line"))


def exporter_cmd(*args: str, cwd: Path | None = None, env: dict | None = None
                 ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exporter", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_help_imports_no_heavy_module() -> None:
    code = ("import sys; from exporter.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit: pass\n"
            "heavy = [m for m in ('pydantic', 'jinja2', 'weasyprint', 'docx', 'ebooklib', "
            "'feedgen', 'lxml', 'PIL') if m in sys.modules]\n"
            "print('HEAVY', heavy, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stderr
    assert "export" in out.stdout and "Exit status" in out.stdout


def test_parse_prints_canonical_json(capsys) -> None:
    assert run(["parse", str(fixture_path("tram-line", "article.md"))]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(Path(TRAM).read_text(encoding="utf-8"))


def test_schema_and_formats(capsys) -> None:
    assert run(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["type"] == "object" and "body" in schema["properties"]
    assert run(["formats", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    writers = {w["name"] for w in info["writers"]}
    assert {"html", "pdf", "docx", "epub", "rss"} <= writers
    assert {"json", "markdown"} <= {r["name"] for r in info["readers"]}


def test_export_html_writes_and_reports(tmp_path, capsys) -> None:
    assert run(["export", TRAM, "-f", "html", "-o", str(tmp_path)]) == 0
    out = tmp_path / "riverside-tram-line-approved.html"
    assert out.is_file()
    assert f"wrote {out}" in capsys.readouterr().out
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_unknown_format_is_a_usage_error(tmp_path, capsys) -> None:
    assert run(["export", TRAM, "-f", "nosuch", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown format 'nosuch'" in err and "html" in err and "pdf" in err
    assert not tmp_path.exists() or not list(tmp_path.iterdir())


BAD_INPUTS = {
    "broken.json": (b'{"headline": "x",', "invalid JSON at line 1"),
    "latin1.json": ('{"headline": "Caf\u00e9"}'.encode("latin-1"), "not UTF-8"),
    "nohead.json": (b'{"standfirst": "x"}', "headline: required"),
    "naive.json": (b'{"headline": "x", "published": "2026-01-01T10:00:00"}', "published:"),
    "block.json": (b'{"headline": "x", "body": [{"type": "video"}]}', "body[0]:"),
    "notstr.json": (b'{"headline": ["x"]}', "headline:"),
    "front.md": (b"---\nheadline: [x\n---\ntext\n", "front matter: invalid YAML"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_invalid_input_fails_alone_with_one_line(tmp_path, name: str) -> None:
    content, words = BAD_INPUTS[name]
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "out"
    result = exporter_cmd("export", str(bad), "-f", "html", "-o", str(out))
    assert result.returncode == 1
    error_lines = [ln for ln in result.stderr.splitlines() if "error:" in ln]
    assert len(error_lines) == 1, result.stderr
    assert str(bad) in error_lines[0] and words in error_lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists() or not list(out.iterdir())


def test_batch_with_good_and_bad_inputs_writes_the_good(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.json").write_text('{"headline": ""}', encoding="utf-8")
    (folder / "good.json").write_text('{"headline": "Good one"}', encoding="utf-8")
    (folder / "dup.md").write_text("---\nheadline: Good one\n---\nText\n", encoding="utf-8")
    out = tmp_path / "out"
    result = exporter_cmd("export", str(folder), "-f", "html", "-o", str(out))
    assert result.returncode == 1
    assert (out / "good-one.html").is_file()
    assert "bad.json: headline: must not be empty" in result.stderr
    assert "dup.md" in result.stderr and "also the id of" in result.stderr


def test_failed_render_keeps_the_previous_output(tmp_path) -> None:
    src = tmp_path / "a.json"
    src.write_text('{"headline": "Keep me", "lead_image": {"src": "pic.png", "alt": "a"}}',
                   encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "keep-me.html"
    previous.write_text("previous good output", encoding="utf-8")
    result = exporter_cmd("export", str(src), "-f", "html", "-o", str(out))
    assert result.returncode == 1
    assert "lead_image.src" in result.stderr and "not found" in result.stderr
    assert previous.read_text(encoding="utf-8") == "previous good output"
    assert sorted(p.name for p in out.iterdir()) == ["keep-me.html"]


def test_missing_input_file(tmp_path) -> None:
    result = exporter_cmd("export", str(tmp_path / "nope.json"), "-f", "html", "-o",
                          str(tmp_path / "o"))
    assert result.returncode == 1
    assert "nope.json: no such file" in result.stderr


def test_debug_shows_traceback(tmp_path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text("{", encoding="utf-8")
    result = exporter_cmd("--debug", "export", str(bad), "-f", "html", "-o", str(tmp_path / "o"))
    assert result.returncode == 1 and "Traceback" in result.stderr


def test_python_dash_m_and_version() -> None:
    result = exporter_cmd("--version")
    assert result.returncode == 0 and "exporter" in result.stdout
    assert os.environ.get("PATH") is not None
