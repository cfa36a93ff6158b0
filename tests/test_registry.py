"""The registry: built-ins by entry point, no silent replacement, broken plugins contained.

Plugins here are real distributions (a ``*.dist-info`` folder with
``entry_points.txt`` on ``sys.path``, see ``exporter.testing.plugin_distribution``),
found by ``importlib.metadata`` as pip-installed ones are -- nothing is mocked.
"""

from __future__ import annotations

import json
import logging
import sys
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from exporter.api import load
from exporter.cli import run
from exporter.errors import ExporterError, UnavailableError, UnknownNameError, UsageError
from exporter.registry import OVERRIDE_MARK, Registry, get_registry, reset_registry
from exporter.testing import plugin_distribution, run_writer
from exporter.writers import Writer
from exporter.writers.html import HtmlWriter

from .conftest import fixture_path

ROOT = Path(__file__).resolve().parent.parent
W = "exporter.writers"
R = "exporter.readers"

# Small plugin modules, written to disk and imported through their entry points.
FAKE_HTML = '''
from exporter.writers import Writer

class FakeHtml(Writer):
    name = "html"
    suffix = ".html"
    media_type = "text/html"
    description = "replacement html from a test plugin"

    def write(self, articles, stream, options):
        stream.write(b"<p>replaced: " + articles[0].headline.encode("utf-8") + b"</p>")

class OtherHtml(FakeHtml):
    description = "another replacement"
'''

NEEDS_DEP = '''
from exporter.writers import Writer

class NeedsDep(Writer):
    name = "needsdep"
    suffix = ".nd"
    description = "needs a package that is not installed"
    requires = ("exporter_tests_no_such_module",)

    def write(self, articles, stream, options):
        stream.write(b"never")
'''

BROKEN = '''
raise RuntimeError("this plugin is broken on purpose")
'''

ODD = '''
from exporter.writers import Writer

def not_a_class():
    return None

class WrongName(Writer):
    name = "something-else"
    suffix = ".x"

    def write(self, articles, stream, options):
        stream.write(b"x")

class NoSuffix(Writer):
    name = "nosuffix"

    def write(self, articles, stream, options):
        stream.write(b"x")
'''

FLAKY = '''
from exporter.readers import Reader
from exporter.writers import Writer

class FlakyWriter(Writer):
    name = "flaky"
    suffix = ".flaky"

    @classmethod
    def disabled_message(cls):
        raise OSError("cannot probe")

    def write(self, articles, stream, options):
        stream.write(b"x")

class FlakyReader(Reader):
    name = "flakyreader"
    suffixes = (".json",)

    @classmethod
    def sniff(cls, data):
        raise ValueError("sniff exploded")
'''

MARKED_READER = '''
import json
from exporter.readers import Reader, build_article, decode_utf8

class MarkedReader(Reader):
    name = "marked"
    suffixes = (".json",)
    description = "JSON with an exporter-test marker"

    @classmethod
    def sniff(cls, data):
        return b'"x-exporter-test"' in data

    def read(self, data, origin=None):
        doc = json.loads(decode_utf8(data, origin))
        return build_article({"headline": "marked: " + doc["title"]}, origin)
'''


@pytest.fixture(autouse=True)
def _fresh_registry():
    reset_registry()
    yield
    reset_registry()


def _export(tmp_path: Path, *args: str) -> int:
    return run(["export", str(fixture_path("tram-line")), "-o", str(tmp_path / "out"), *args])


# --- built-ins ---------------------------------------------------------------------------


def test_builtins_come_from_exporters_own_entry_points() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["entry-points"]
    assert {"html", "pdf", "docx", "epub", "rss"} <= set(declared[W])
    assert {"json", "markdown"} <= set(declared[R])
    installed = {ep.name: ep for ep in entry_points(group=W) if ep.dist.name == "exporter"}
    assert set(declared[W]) <= set(installed), "run `pip install -e .` after editing entry points"
    registry = get_registry()
    for group, table in ((W, registry.writers), (R, registry.readers)):
        for name, value in declared[group].items():
            slot = table[name]
            assert slot.builtin and slot.distribution == "exporter"
            assert slot.entry.value == value
    assert registry.writer_class("html") is HtmlWriter


def test_entry_points_are_imported_only_when_used(tmp_path) -> None:
    with plugin_distribution(tmp_path, "lazy-plugin", {W: {"lazy": "exporter_test_lazy:Lazy"}},
                             {"exporter_test_lazy": NEEDS_DEP.replace("NeedsDep", "Lazy")
                              .replace('"needsdep"', '"lazy"')}):
        registry = get_registry()
        assert "lazy" in registry.writers
        assert "exporter_test_lazy" not in sys.modules
        with pytest.raises(UnavailableError):
            registry.writer_class("lazy")
        assert "exporter_test_lazy" in sys.modules


# --- unknown and unavailable names ---------------------------------------------------------


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownNameError) as info:
        get_registry().writer_class("nosuch")
    exc = info.value
    assert isinstance(exc, UsageError) and isinstance(exc, LookupError)
    assert exc.name == "nosuch" and "html" in exc.known and "pdf" in exc.known
    assert "unknown format 'nosuch'; known formats:" in str(exc) and "html" in str(exc)
    with pytest.raises(UnknownNameError, match=r"known input formats: .*json.*markdown"):
        get_registry().reader_class("nosuch")


def test_cli_unknown_format_exits_2_with_the_list(tmp_path, capsys) -> None:
    assert _export(tmp_path, "-f", "nosuch") == 2
    err = capsys.readouterr().err
    assert "unknown format 'nosuch'" in err
    for name in ("docx", "epub", "html", "pdf", "rss"):
        assert name in err
    assert not (tmp_path / "out").exists()


def test_missing_dependency_makes_a_writer_unavailable_with_the_reason(tmp_path, capsys) -> None:
    with plugin_distribution(tmp_path, "needs-dep", {W: {"needsdep": "exporter_test_dep:NeedsDep"}},
                             {"exporter_test_dep": NEEDS_DEP}):
        registry = get_registry()
        with pytest.raises(UnavailableError, match=r"exporter_tests_no_such_module.*pip install"):
            registry.writer_class("needsdep")
        (row,) = [r for r in registry.describe()["writers"] if r["name"] == "needsdep"]
        assert row["available"] is False and "exporter_tests_no_such_module" in row["reason"]
        assert row["distribution"] == "needs-dep" and row["builtin"] is False
        assert run(["formats"]) == 0
        out = capsys.readouterr().out
        assert "needsdep" in out and "UNAVAILABLE" in out
        assert _export(tmp_path, "-f", "needsdep") == 2
        assert "'needsdep' is unavailable" in capsys.readouterr().err


# --- no silent replacement -----------------------------------------------------------------


def test_plugin_cannot_silently_replace_a_builtin(tmp_path, capsys, caplog) -> None:
    with plugin_distribution(tmp_path, "dup-plugin", {W: {"html": "exporter_test_dup:FakeHtml"}},
                             {"exporter_test_dup": FAKE_HTML}):
        with caplog.at_level(logging.WARNING, logger="exporter"):
            registry = get_registry()
        assert registry.writer_class("html") is HtmlWriter
        assert registry.writers["html"].builtin
        (problem,) = registry.problems
        assert "exporter_test_dup:FakeHtml" in problem and "dup-plugin" in problem
        assert f"html{OVERRIDE_MARK}" in problem
        assert any("exporter_test_dup:FakeHtml" in r.getMessage() for r in caplog.records)
        assert run(["formats"]) == 0
        assert "warning: " in capsys.readouterr().out
        assert run(["formats", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["problems"] == [problem]
        assert _export(tmp_path, "-f", "html") == 0
        html = (tmp_path / "out" / "riverside-tram-line-approved.html").read_text("utf-8")
        assert "replaced:" not in html and "<article" in html


def test_explicit_override_replaces_a_builtin(tmp_path, capsys) -> None:
    with plugin_distribution(tmp_path, "override-plugin",
                             {W: {f"html{OVERRIDE_MARK}": "exporter_test_ovr:FakeHtml"}},
                             {"exporter_test_ovr": FAKE_HTML}):
        registry = get_registry()
        assert registry.problems == []
        cls = registry.writer_class("html")
        assert cls.__name__ == "FakeHtml"
        (row,) = [r for r in registry.describe()["writers"] if r["name"] == "html"]
        assert row["override"] is True and row["builtin"] is False
        assert row["replaces"] == "exporter.writers.html:HtmlWriter"
        assert run(["formats"]) == 0
        assert ("[plugin: exporter_test_ovr:FakeHtml, replaces exporter.writers.html:HtmlWriter]"
                in capsys.readouterr().out)
        assert _export(tmp_path, "-f", "html") == 0
        out = (tmp_path / "out" / "riverside-tram-line-approved.html").read_text("utf-8")
        assert out.startswith("<p>replaced: Council approves")
    # Gone with the plugin: the built-in is back.
    assert get_registry().writer_class("html") is HtmlWriter


def test_two_overrides_of_one_name_make_it_unavailable(tmp_path) -> None:
    with plugin_distribution(tmp_path, "ovr-a", {W: {f"html{OVERRIDE_MARK}": "exporter_test_a:FakeHtml"}},
                             {"exporter_test_a": FAKE_HTML}), \
         plugin_distribution(tmp_path, "ovr-b", {W: {f"html{OVERRIDE_MARK}": "exporter_test_b:OtherHtml"}},
                             {"exporter_test_b": FAKE_HTML}):
        registry = get_registry()
        with pytest.raises(UnavailableError, match="2 plugins replace format 'html'") as info:
            registry.writer_class("html")
        assert "ovr-a" in str(info.value) and "ovr-b" in str(info.value)
        assert len(registry.problems) == 1
        assert registry.writer_class("pdf").name == "pdf"  # the others are untouched


def test_two_plugins_claiming_a_new_name_make_it_unavailable(tmp_path) -> None:
    source = FAKE_HTML.replace('"html"', '"web"').replace('".html"', '".web"')
    with (plugin_distribution(tmp_path, "web-a", {W: {"web": "exporter_test_wa:FakeHtml"}},
                              {"exporter_test_wa": source}),
          plugin_distribution(tmp_path, "web-b", {W: {"web": "exporter_test_wb:OtherHtml"}},
                              {"exporter_test_wb": source}),
          pytest.raises(UnavailableError, match=r"2 plugins declare format 'web'.*web!override")):
        get_registry().writer_class("web")
    # One of them marked as the override wins on purpose, the other is reported.
    with plugin_distribution(tmp_path / "2", "web-a", {W: {"web": "exporter_test_wa:FakeHtml"}},
                             {"exporter_test_wa": source}), \
         plugin_distribution(tmp_path / "2", "web-b",
                             {W: {f"web{OVERRIDE_MARK}": "exporter_test_wb:OtherHtml"}},
                             {"exporter_test_wb": source}):
        registry = get_registry()
        assert registry.writer_class("web").__name__ == "OtherHtml"
        assert registry.writers["web"].replaces == "exporter_test_wa:FakeHtml"


def test_add_writer_refuses_a_taken_name_unless_override() -> None:
    class Replacement(HtmlWriter):
        description = "direct registration"

    registry = Registry.from_entry_points()
    with pytest.raises(ValueError, match=r"already registered.*override=True"):
        registry.add_writer(Replacement)
    registry.add_writer(Replacement, override=True)
    assert registry.writer_class("html") is Replacement
    assert registry.writers["html"].replaces == "exporter.writers.html:HtmlWriter"

    class Nameless(Writer):
        suffix = ".x"

    with pytest.raises(TypeError, match="name"):
        registry.add_writer(Nameless)


# --- broken plugins ----------------------------------------------------------------------


def test_broken_plugin_is_reported_by_name_and_builtins_still_work(tmp_path, capsys) -> None:
    with plugin_distribution(tmp_path, "broken-plugin",
                             {W: {"broken": "exporter_test_broken:Writer"}},
                             {"exporter_test_broken": BROKEN}):
        assert run(["formats"]) == 0
        out = capsys.readouterr().out
        (line,) = [line for line in out.splitlines() if line.strip().startswith("broken ")]
        assert "UNAVAILABLE" in line and "broken-plugin" in line
        assert "RuntimeError: this plugin is broken on purpose" in line
        assert "html " in out and ".html" in out

        assert _export(tmp_path, "-f", "broken") == 2
        err = capsys.readouterr().err
        assert "format 'broken' is unavailable: failed to import exporter_test_broken:Writer" in err
        assert "broken on purpose" in err

        assert _export(tmp_path, "-f", "html") == 0
        assert (tmp_path / "out" / "riverside-tram-line-approved.html").is_file()
        # Every built-in that loads without the plugin still loads with it.
        for name, slot in get_registry().writers.items():
            if name != "broken":
                assert slot.error is None or "broken" not in slot.error


def test_broken_reader_plugin_does_not_stop_reading(tmp_path) -> None:
    with plugin_distribution(tmp_path, "broken-reader",
                             {R: {"brokenreader": "exporter_test_broken_r:Reader"}},
                             {"exporter_test_broken_r": BROKEN}):
        article = load(fixture_path("deconflict"))
        assert article.headline.startswith("US, Russia")
        with pytest.raises(UnavailableError, match="broken-reader"):
            get_registry().reader_class("brokenreader")


def test_invalid_plugin_objects_are_reported(tmp_path) -> None:
    with plugin_distribution(tmp_path, "odd-plugin", {W: {
            "func": "exporter_test_odd:not_a_class",
            "mismatch": "exporter_test_odd:WrongName",
            "nosuffix": "exporter_test_odd:NoSuffix"}}, {"exporter_test_odd": ODD}):
        rows = {r["name"]: r for r in get_registry().describe()["writers"]}
        assert "not a subclass of exporter.writers.Writer" in rows["func"]["reason"]
        assert "declares name 'something-else'" in rows["mismatch"]["reason"]
        assert "suffix" in rows["nosuffix"]["reason"]
        for name in ("func", "mismatch", "nosuffix"):
            assert rows[name]["available"] is False
            with pytest.raises(UnavailableError):
                get_registry().writer_class(name)
        assert rows["html"]["available"] is True


def test_plugin_hooks_that_raise_do_not_break_the_others(tmp_path, capsys) -> None:
    with plugin_distribution(tmp_path, "flaky-plugin", {
            W: {"flaky": "exporter_test_flaky:FlakyWriter"},
            R: {"flakyreader": "exporter_test_flaky:FlakyReader"}},
            {"exporter_test_flaky": FLAKY}):
        assert run(["formats"]) == 0
        out = capsys.readouterr().out
        assert "availability check failed: OSError: cannot probe" in out
        with pytest.raises(UnavailableError, match="cannot probe"):
            get_registry().writer_class("flaky")
        assert load(fixture_path("deconflict")).headline.startswith("US, Russia")


# --- readers from plugins ---------------------------------------------------------------------


def test_reader_plugin_sharing_a_suffix_is_chosen_by_sniffing(tmp_path) -> None:
    marked = tmp_path / "story.json"
    marked.write_text(json.dumps({"x-exporter-test": 1, "title": "From a plugin"}), "utf-8")
    with plugin_distribution(tmp_path, "marked-reader", {R: {"marked": "exporter_test_marked:MarkedReader"}},
                             {"exporter_test_marked": MARKED_READER}):
        assert load(marked).headline == "marked: From a plugin"
        # Canonical JSON still goes to the built-in reader.
        assert load(fixture_path("tram-line")).id == "riverside-tram-line-approved"
        assert load(marked.read_bytes(), "marked").headline == "marked: From a plugin"


# --- the writer instance cache ----------------------------------------------------------------


def test_one_writer_instance_per_registry(tmp_path) -> None:
    from exporter.api import writer

    first = writer("html")
    assert writer("html") is first
    reset_registry()
    assert writer("html") is not first
    path = run_writer("html", load(fixture_path("deconflict")), tmp_path)
    assert path.suffix == ".html"
    assert issubclass(UnavailableError, ExporterError)
