"""The example plugin (examples/exporter-plaintext) through the CLI and the API, and exporter.testing.

The test set-up installs the plugin (``pip install ./examples/exporter-plaintext``,
scripts/setup.sh --test); the installed-plugin tests are skipped, with that
command as the reason, when it is not. The same plugin is also exercised from
the source tree through a throwaway dist-info, so its behaviour is covered either way.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import unicodedata
import zipfile
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from exporter import export, load
from exporter.cli import run
from exporter.errors import UsageError
from exporter.registry import get_registry, reset_registry
from exporter.testing import (
    SAMPLE_NAMES,
    SAMPLES_DIR,
    check_contract_text,
    check_writer_class,
    contract_fields,
    fixture_articles,
    load_sample,
    plugin_distribution,
    run_writer,
    sample_path,
)

from .conftest import fixture_path

#: the CLI as the test interpreter runs it: the bare `exporter` script may not be on PATH
EXPORTER = (sys.executable, "-m", "exporter")

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_DIR = ROOT / "examples" / "exporter-plaintext"
ENTRY = "exporter_plaintext:PlaintextWriter"
INSTALL = "pip install ./examples/exporter-plaintext"


def _installed() -> bool:
    return any(ep.name == "plaintext" and ep.value == ENTRY and ep.dist.name == "exporter-plaintext"
               for ep in entry_points(group="exporter.writers"))


installed = pytest.mark.skipif(not _installed(), reason=f"example plugin not installed: {INSTALL}")


@pytest.fixture(autouse=True)
def _fresh_registry():
    reset_registry()
    yield
    reset_registry()


@pytest.fixture
def plaintext_from_source(tmp_path, monkeypatch):
    """The example plugin registered from the source tree (when it is not installed)."""
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    with plugin_distribution(tmp_path / "site", "exporter-plaintext-src",
                             {"exporter.writers": {"plaintext": ENTRY}}):
        yield


# --- the installed example plugin ---------------------------------------------------------


@installed
def test_installed_plugin_is_listed_by_exporter_formats() -> None:
    out = subprocess.run([*EXPORTER, "formats"], capture_output=True, text=True, check=True).stdout
    (line,) = [line for line in out.splitlines() if line.strip().startswith("plaintext ")]
    assert ".txt" in line and f"[plugin: {ENTRY}]" in line and "UNAVAILABLE" not in line
    info = json.loads(subprocess.run([*EXPORTER, "formats", "--json"], capture_output=True,
                                     text=True, check=True).stdout)
    (row,) = [r for r in info["writers"] if r["name"] == "plaintext"]
    assert row["distribution"] == "exporter-plaintext" and row["available"]
    assert row["suffix"] == ".txt" and row["builtin"] is False and not row["override"]
    assert info["problems"] == []


@installed
def test_installed_plugin_exports_through_the_cli(tmp_path) -> None:
    result = subprocess.run([*EXPORTER, "export", str(fixture_path("tram-line")),
                             str(fixture_path("deconflict")), "-f", "plaintext,html",
                             "-o", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for name in ("tram-line", "deconflict"):
        article = load(fixture_path(name))
        txt = tmp_path / f"{article.id}.txt"
        assert f"wrote {txt}" in result.stdout
        assert check_contract_text(article, txt.read_text("utf-8")) == []
        assert (tmp_path / f"{article.id}.html").is_file()


@installed
def test_installed_plugin_through_the_python_api(tmp_path) -> None:
    from exporter_plaintext import PlaintextWriter

    assert get_registry().writer_class("plaintext") is PlaintextWriter
    article = load(fixture_path("rtl-arabic"))
    paths = export(article, ["plaintext", "html"], out_dir=tmp_path)
    assert paths == [tmp_path / f"{article.id}.txt", tmp_path / f"{article.id}.html"]
    assert check_contract_text(article, paths[0].read_text("utf-8")) == []


@installed
def test_plugin_option_errors_are_usage_errors(tmp_path, capsys) -> None:
    code = run(["export", str(fixture_path("deconflict")), "-f", "plaintext", "-O", "width=3",
                "-o", str(tmp_path)])
    assert code == 1
    assert "plaintext: option width must be a whole number" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.txt"))


# --- the same plugin from the source tree (always runs) -------------------------------------


def test_example_plugin_from_source_through_cli_and_api(plaintext_from_source, tmp_path,
                                                           capsys) -> None:
    assert run(["formats"]) == 0
    assert "plaintext" in capsys.readouterr().out
    assert run(["export", str(fixture_path("tram-line")), "-f", "plaintext",
                "-o", str(tmp_path / "cli")]) == 0
    out = tmp_path / "cli" / "riverside-tram-line-approved.txt"
    text = out.read_text("utf-8")
    article = load(fixture_path("tram-line"))
    assert check_contract_text(article, text) == []
    assert max(len(line) for line in text.splitlines()) <= 72
    (path,) = export(article, "plaintext", tmp_path / "api")
    assert path.read_bytes() == out.read_bytes()


def test_example_plugins_own_tests_pass() -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            cwd=PLUGIN_DIR, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


def test_example_plugin_declares_its_entry_point() -> None:
    import tomllib

    project = tomllib.loads((PLUGIN_DIR / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["entry-points"]["exporter.writers"] == {"plaintext": ENTRY}
    assert any(dep.startswith("exporter") for dep in project["dependencies"])


# --- exporter.testing -------------------------------------------------------------------------


def test_samples_exist_once_in_the_repository() -> None:
    """One copy of each sample file: examples/ in a checkout, exporter/samples in the wheel."""
    assert SAMPLES_DIR == ROOT / "examples"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    digests: dict[str, list[str]] = {}
    for rel in filter(None, tracked):
        path = ROOT / rel
        if path.is_file() and path.suffix in {".json", ".jpg", ".png", ".md", ".txt"}:
            digests.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), []).append(rel)
    for name in SAMPLE_NAMES:
        for file in (SAMPLES_DIR / name).iterdir():
            copies = digests[hashlib.sha256(file.read_bytes()).hexdigest()]
            assert copies == [f"examples/{name}/{file.name}"], copies
        assert sample_path(name).is_file()
    assert [a.id for a in fixture_articles()] == [load_sample(n).id for n in SAMPLE_NAMES]
    with pytest.raises(KeyError, match="samples: deconflict"):
        sample_path("nosuch")


def test_check_contract_text_names_what_is_missing() -> None:
    article = load_sample("tram-line")
    fields = dict(contract_fields(article))
    assert fields["headline"] == article.headline
    assert fields["lead_image (caption_text)"].endswith("(Ana Ribeiro/Example News)")
    assert fields["body[4].attribution (attribution_text)"] == "— Ines Carvalho, leader of the council"

    full = "\n\n".join(text for _, text in contract_fields(article))
    assert check_contract_text(article, full) == []
    # Wrapping, NFD and soft hyphens do not matter; words do.
    wrapped = unicodedata.normalize("NFD", full.replace(" ", "\n  ")).replace("approves", "ap\u00adproves")
    assert check_contract_text(article, wrapped) == []

    missing = check_contract_text(article, full.replace("Ana Ribeiro/Example News", "Staff"))
    assert missing == [
        "lead_image.credit: 'Ana Ribeiro/Example News'",
        "lead_image (caption_text): 'A prototype tram on the test track at the Northgate depot "
        "in January (Ana Rib...'",
    ]
    # A credit worded differently ("Photo: ...") is caught only by the wording check.
    reworded = full.replace(fields["lead_image (caption_text)"],
                            f"{article.lead_image.caption} Photo: {article.lead_image.credit}")
    assert check_contract_text(article, reworded, wording=False) == []
    assert check_contract_text(article, reworded) == [
        "lead_image (caption_text): 'A prototype tram on the test track at the Northgate depot "
        "in January (Ana Rib...'"]


def test_run_writer_passes_options_and_catches_path_choosing_writers(tmp_path) -> None:
    from exporter.writers import Writer

    class Echo(Writer):
        name = "echo"
        suffix = ".echo"
        media_type = "text/plain"
        description = "echoes its options"

        def write(self, articles, stream, options):
            stream.write(f"{options.paper} {options.extra}".encode())

    path = run_writer(Echo, load_sample("deconflict"), tmp_path / "a", paper="letter", width=60)
    assert path.read_text() == "letter {'width': 60}"

    class Sneaky(Echo):
        def write(self, articles, stream, options):
            (tmp_path / "b" / "elsewhere.txt").write_text("no")
            stream.write(b"x")

    with pytest.raises(AssertionError, match=r"elsewhere\.txt"):
        run_writer(Sneaky, load_sample("deconflict"), tmp_path / "b")

    class Bad(Writer):
        name = "Bad Name"
        suffix = "txt"

    problems = check_writer_class(Bad)
    assert any("name" in p for p in problems) and any("suffix" in p for p in problems)
    assert any("write()" in p for p in problems)
    with pytest.raises(AssertionError, match="Bad"):
        run_writer(Bad, load_sample("deconflict"), tmp_path / "c")
    with pytest.raises(UsageError):
        run_writer("nosuch", load_sample("deconflict"), tmp_path / "d")


def test_wheel_ships_the_samples_and_testing_helpers(tmp_path) -> None:
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("exporter-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "exporter/testing.py" in names
    for name in SAMPLE_NAMES:
        for file in (SAMPLES_DIR / name).iterdir():
            assert f"exporter/samples/{name}/{file.name}" in names
    entry_points_txt = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    declared = zipfile.ZipFile(wheel).read(entry_points_txt).decode()
    assert "[exporter.writers]" in declared and "html = exporter.writers.html:HtmlWriter" in declared
