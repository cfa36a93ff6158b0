"""Declared writer options: typed, listed, unknown keys refused before anything renders.

Expected messages are literal: what a user reads on the terminal.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from exporter import load
from exporter.api import export
from exporter.batch import run_batch
from exporter.cli import run
from exporter.cli.flags import with_flags
from exporter.errors import ResourceError, UsageError
from exporter.registry import get_registry
from exporter.testing import check_writer_class, run_writer
from exporter.writers import Option, WriteOptions, Writer
from exporter.writers.options import check_extra, declares_options, resolve
from exporter.writers.pdf import PdfWriter
from exporter.writers.rss import RssWriter

from .conftest import fixture_path

TRAM = fixture_path("tram-line")


class Legacy(Writer):
    """A plugin from before options existed: reads ``extra`` itself."""

    name = "legacy"
    suffix = ".legacy"
    media_type = "text/plain"
    description = "reads extra itself"

    def write(self, articles, stream, options):
        stream.write(repr(sorted(options.extra.items())).encode())


class Plain(Legacy):
    """Declares that it takes no options."""

    name = "plain"
    suffix = ".plain"
    options = ()


class Knobs(Legacy):
    name = "knobs"
    suffix = ".knobs"
    options = (
        Option("width", int, 72, "line width", validator=lambda v: None if v >= 20 else
               "is under 20"),
        Option("ascii", bool, False, "ASCII only"),
        Option("ratio", float, 1.5, "a number"),
        Option("mode", str, "fast", "how", choices=("fast", "Careful")),
    )

    def write(self, articles, stream, options):
        stream.write(repr(self.settings(options)).encode())


# --- coercion and checks ---------------------------------------------------------------


def test_strings_from_the_command_line_become_typed_values() -> None:
    given = {"width": " 40 ", "ascii": "yes", "ratio": "2.25", "mode": "careful"}
    assert resolve(Knobs, given) == {"width": 40, "ascii": True, "ratio": 2.25, "mode": "Careful"}
    assert resolve(Knobs, {"ascii": "TRUE"})["ascii"] is True
    assert resolve(Knobs, {"ascii": "off"})["ascii"] is False
    assert resolve(Knobs, {"ascii": "0"})["ascii"] is False


def test_defaults_fill_what_is_not_given_and_script_values_pass_typed() -> None:
    assert resolve(Knobs, {}) == {"width": 72, "ascii": False, "ratio": 1.5, "mode": "fast"}
    assert resolve(Knobs, {"width": 30, "ascii": True})["width"] == 30
    assert resolve(PdfWriter, {}) == {"columns": 2, "paper": None}
    assert resolve(PdfWriter, {"columns": "1"}) == {"columns": 1, "paper": None}


@pytest.mark.parametrize(("extra", "message"), [
    ({"width": "wide"}, "knobs: option 'width': 'wide' is not an integer"),
    ({"width": True}, "knobs: option 'width': True is not an integer"),
    ({"width": "12"}, "knobs: option 'width': '12' is under 20"),
    ({"ascii": "maybe"}, "knobs: option 'ascii': 'maybe' is not yes or no; "
                         "allowed: yes, no (true, false, 1, 0)"),
    ({"ratio": "x"}, "knobs: option 'ratio': 'x' is not a number"),
    ({"mode": "slow"}, "knobs: option 'mode': 'slow' is not allowed; allowed: fast, Careful"),
])
def test_bad_values_name_the_option_and_what_is_allowed(extra, message) -> None:
    with pytest.raises(UsageError) as info:
        check_extra(extra, [Knobs])
    assert str(info.value) == message


def test_unknown_key_names_the_format_and_its_known_options() -> None:
    with pytest.raises(UsageError) as info:
        check_extra({"colums": "1"}, [PdfWriter])
    assert str(info.value) == "pdf: unknown option 'colums'; known options: columns, paper"
    with pytest.raises(UsageError) as info:
        check_extra({"x": "1"}, [Plain])
    assert str(info.value) == "plain: unknown option 'x'; known options: (none)"


def test_a_key_is_fine_when_one_writer_of_the_run_declares_it() -> None:
    check_extra({"columns": "1", "link": "https://news.example.org/"}, [PdfWriter, RssWriter])
    with pytest.raises(UsageError) as info:
        check_extra({"colums": "1"}, [PdfWriter, RssWriter])
    assert str(info.value) == ("unknown option 'colums' for pdf, rss; known options: "
                               "pdf: columns, paper; rss: description, link, self_url, title")


def test_a_scoped_key_goes_to_one_format_and_wins_over_the_plain_one() -> None:
    assert resolve(PdfWriter, {"columns": "2", "pdf.columns": "1"})["columns"] == 1
    assert resolve(RssWriter, {"pdf.title": "only for pdf"})["title"] is None
    with pytest.raises(UsageError) as info:
        check_extra({"rss.columns": "1"}, [PdfWriter, RssWriter])
    assert str(info.value) == ("rss: unknown option 'rss.columns'; known options: "
                               "description, link, self_url, title")
    with pytest.raises(UsageError) as info:
        check_extra({"pdf.columns": "1"}, [RssWriter])
    assert str(info.value) == ("option 'pdf.columns' is for format 'pdf', which is not being "
                               "written (formats: rss)")


def test_a_writer_without_declared_options_gets_every_key_unchecked(tmp_path) -> None:
    assert not declares_options(Legacy) and declares_options(Plain) and declares_options(PdfWriter)
    check_extra({"anything": "goes"}, [Legacy])
    path = run_writer(Legacy, load(TRAM), tmp_path, anything="goes")
    assert path.read_text() == "[('anything', 'goes')]"


def test_run_writer_checks_options_as_the_cli_does(tmp_path) -> None:
    path = run_writer(Knobs, load(TRAM), tmp_path / "a", width="30", ascii="no")
    assert path.read_text() == "{'width': 30, 'ascii': False, 'ratio': 1.5, 'mode': 'fast'}"
    with pytest.raises(UsageError, match="knobs: unknown option 'widht'"):
        run_writer(Knobs, load(TRAM), tmp_path / "b", widht="30")


def test_check_writer_class_catches_bad_declarations() -> None:
    class Bad(Legacy):
        name = "bad"
        options = (Option("a.b", int, 1, "dotted"), Option("m", str, "z", "m", choices=("x",)))

    class Loose(Legacy):
        name = "loose"
        options = [Option("x", int, 1, "a list, not a tuple")]  # noqa: RUF012 (the mistake)

    assert check_writer_class(Bad) == [
        "option names must be distinct, non-empty, without '.' or '=': ['a.b', 'm']",
        "option 'm': default 'z' is not one of its choices"]
    assert check_writer_class(Loose) == [
        "options must be a tuple of exporter.writers.Option declarations"]
    assert check_writer_class(Knobs) == []


# --- checked before anything renders ------------------------------------------------------


def test_export_refuses_a_bad_option_before_the_first_format(tmp_path) -> None:
    article = load(TRAM)
    with pytest.raises(UsageError) as info:
        export(article, ["html", "pdf"], tmp_path, WriteOptions(extra={"columns": "3"}))
    assert str(info.value) == "pdf: option 'columns': '3' is not allowed; allowed: 1, 2"
    assert list(tmp_path.iterdir()) == []  # not even the html, which came first


def test_the_batch_refuses_an_unknown_key_before_reading_inputs(tmp_path) -> None:
    with pytest.raises(UsageError) as info:
        run_batch([TRAM], ["html"], tmp_path / "out", WriteOptions(extra={"colums": "1"}), jobs=1)
    assert str(info.value) == "html: unknown option 'colums'; known options: (none)"
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_cli_unknown_option_is_a_usage_error_naming_the_known_ones(tmp_path, capsys) -> None:
    code = run(["export", str(TRAM), "-f", "html,pdf", "-O", "colums=1", "-o", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == "exporter: error: unknown option 'colums' for html, pdf; known options: " \
                  "html: (none); pdf: columns, paper\n"
    assert list(tmp_path.iterdir()) == []


def test_cli_bad_value_in_a_bundle_is_refused_before_loading(tmp_path, capsys) -> None:
    code = run(["export", str(TRAM), "-f", "epub", "--bundle", str(tmp_path / "e.epub"),
                "-O", "epub.title=x"])
    assert code == 2
    assert capsys.readouterr().err == ("exporter: error: epub: unknown option 'epub.title'; "
                                       "known options: (none)\n")


def test_rss_reads_its_declared_options(tmp_path) -> None:
    options = WriteOptions(base_url="https://news.example.org/feeds/",
                           extra={"title": "Transit desk", "link": "https://news.example.org/"})
    (path,) = export(load(TRAM), "rss", tmp_path, options)
    channel = etree.parse(str(path)).find("channel")
    assert channel.findtext("title") == "Transit desk"
    assert channel.findtext("link") == "https://news.example.org/"


# --- listed -------------------------------------------------------------------------------


def test_formats_options_lists_each_writers_settings(capsys) -> None:
    assert run(["formats", "--options"]) == 0
    out = capsys.readouterr().out
    assert ("      -O columns=INTEGER     body text columns: 2 (the newspaper look) or 1 "
            "(one readable measure; renders faster) [default: 2; allowed: 1, 2]\n") in out
    assert "      -O self_url=TEXT       URL the feed is served at " in out
    html_row = out.index("  html ")
    assert out[html_row:].split("\n")[1] == "      (no -O options)"


def test_formats_json_includes_the_declarations(capsys) -> None:
    assert run(["formats", "--json"]) == 0
    writers = {w["name"]: w for w in json.loads(capsys.readouterr().out)["writers"]}
    assert writers["pdf"]["options"] == [
        {"name": "columns", "type": "integer", "default": 2,
         "help": "body text columns: 2 (the newspaper look) or 1 (one readable measure; "
                 "renders faster)", "choices": [1, 2]},
        {"name": "paper", "type": "text", "default": None,
         "help": "page size, over the paper setting [default: the paper setting, a4]",
         "choices": ["a4", "letter"]}]
    assert writers["html"]["options"] == [] and writers["html"]["declares_options"] is True
    assert [o["name"] for o in writers["rss"]["options"]] == ["title", "link", "description",
                                                              "self_url"]


def test_a_plugin_writer_without_options_is_listed_and_still_runs(tmp_path, capsys) -> None:
    get_registry().add_writer(Legacy)
    assert run(["formats", "--options"]) == 0
    out = capsys.readouterr().out
    row = out.index("  legacy ")
    assert out[row:].split("\n")[1] == "      (declares no options; passes every -O key to the writer)"
    assert run(["export", str(TRAM), "-f", "legacy", "-O", "k=v", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "riverside-tram-line-approved.legacy").read_text() == "[('k', 'v')]"


# --- errors speak of settings; the CLI names its flags --------------------------------------


def test_with_flags_names_the_flag_next_to_the_setting() -> None:
    assert with_flags("base_url 'x' is not an absolute http(s) URL") == \
        "base_url (--base-url) 'x' is not an absolute http(s) URL"
    assert with_flags("refused 'a.png' (add its folder to allow_roots to open it)") == \
        "refused 'a.png' (add its folder to allow_roots (--allow-root) to open it)"
    assert with_flags("the feed needs --base-url; base_url is unset") == \
        "the feed needs --base-url; base_url is unset"
    assert with_flags("my_base_url_x and allow_remote_ish") == "my_base_url_x and allow_remote_ish"


def _outside_picture(tmp_path: Path) -> Path:
    folder = tmp_path / "story"
    folder.mkdir()
    shutil.copy(fixture_path("tram-line", "tram.jpg"), tmp_path / "elsewhere.jpg")
    (folder / "article.json").write_text(json.dumps({
        "headline": "Tram line approved",
        "lead_image": {"src": "../elsewhere.jpg", "alt": "A tram", "caption": "A tram"}}),
        encoding="utf-8")
    return folder / "article.json"


def test_api_errors_name_settings_not_flags(tmp_path) -> None:
    article = load(_outside_picture(tmp_path))
    with pytest.raises(ResourceError) as info:
        export(article, "html", tmp_path / "out")
    assert info.value.message == ("refused '../elsewhere.jpg': it lies outside the article's "
                                  "folder (add its folder to allow_roots to open it)")
    with pytest.raises(UsageError) as info:
        export(load(TRAM), "rss", tmp_path / "out", WriteOptions(base_url="ftp://x/"))
    assert str(info.value).endswith("base_url 'ftp://x/' is not an absolute http(s) URL")


def test_cli_errors_add_the_flag(tmp_path, capsys) -> None:
    source = _outside_picture(tmp_path)
    assert run(["export", str(source), "-f", "html", "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert (f"exporter: error: {source.resolve()}: lead_image.src: refused '../elsewhere.jpg': "
            "it lies outside the article's folder (add its folder to allow_roots (--allow-root) "
            "to open it)\n") in err
    assert run(["export", str(TRAM), "-f", "rss", "--base-url", "ftp://x/",
                "-o", str(tmp_path / "out2")]) == 1
    assert "base_url (--base-url) 'ftp://x/' is not an absolute http(s) URL" in \
        capsys.readouterr().err
