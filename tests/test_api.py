"""The Python API a CMS script uses: load, export, the model, the exception hierarchy."""

from __future__ import annotations

import inspect
import json
import re
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import pytest

import exporter
from exporter import (
    Article,
    ExporterError,
    InputError,
    RenderError,
    ResourceError,
    UnavailableError,
    UnknownNameError,
    UsageError,
    WriteOptions,
    export,
    load,
)
from exporter.registry import get_registry, reset_registry
from exporter.writers import Writer

from .conftest import fixture_path

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_registry():
    reset_registry()
    yield
    reset_registry()


def _cms_dict() -> dict:
    """What a CMS API might hand a script: the canonical fields as plain JSON types."""
    return json.loads(fixture_path("tram-line").read_text("utf-8"))


# --- the public surface -----------------------------------------------------------------------


def test_public_names_resolve_and_are_documented() -> None:
    for name in exporter.__all__:
        value = getattr(exporter, name)
        if callable(value):
            assert inspect.getdoc(value), f"exporter.{name} has no docstring"
    for func in (load, export):
        hints = typing.get_type_hints(func)
        assert "return" in hints and len(hints) > 2, func.__name__
    assert exporter.Writer is Writer and exporter.WriteOptions is WriteOptions


def test_exception_hierarchy() -> None:
    assert issubclass(InputError, ExporterError)
    assert issubclass(ResourceError, InputError)
    assert issubclass(RenderError, ExporterError)
    assert issubclass(UsageError, ExporterError)
    assert issubclass(UnknownNameError, UsageError) and issubclass(UnknownNameError, LookupError)
    assert issubclass(UnavailableError, UsageError)
    assert not issubclass(RenderError, InputError) and not issubclass(UsageError, InputError)
    exc = InputError("required field is missing", source="story.json", field="headline")
    assert str(exc) == "story.json: headline: required field is missing"
    assert (exc.source, exc.field, exc.message) == ("story.json", "headline",
                                                   "required field is missing")


# --- load ---------------------------------------------------------------------------------------


def test_load_from_a_path() -> None:
    article = load(fixture_path("tram-line"))
    assert isinstance(article, Article)
    assert article.id == "riverside-tram-line-approved"
    assert article.origin == fixture_path("tram-line").resolve()
    assert article.base_dir == fixture_path("tram-line").parent.resolve()
    same = load(str(fixture_path("tram-line", "article.md")))
    assert same.headline == article.headline


def test_load_from_bytes(tmp_path) -> None:
    data = fixture_path("deconflict").read_bytes()
    by_name = load(data, "json")
    assert by_name.headline.startswith("US, Russia") and by_name.origin is None
    origin = fixture_path("deconflict")
    by_origin = load(data, origin=origin)  # reader chosen from the origin's suffix
    assert by_origin.to_dict() == by_name.to_dict()
    assert by_origin.base_dir == origin.parent.resolve()
    md = load(fixture_path("deconflict", "article.md").read_bytes(), "markdown")
    assert md.headline == by_name.headline
    with pytest.raises(UsageError, match="format="):
        load(data)
    with pytest.raises(UnknownNameError) as info:
        load(data, "nosuch")
    assert "json" in info.value.known and "markdown" in info.value.known


def test_load_errors_name_the_file_and_the_field(tmp_path) -> None:
    bad = _cms_dict()
    bad["published"] = "2026-03-02T18:30:00"  # naive: no UTC offset
    path = tmp_path / "naive.json"
    path.write_text(json.dumps(bad), "utf-8")
    with pytest.raises(InputError) as info:
        load(path)
    assert info.value.source == str(path) and info.value.field == "published"
    assert str(info.value).startswith(f"{path}: published: ")

    bad = _cms_dict()
    bad["body"][4]["attribution"] = {"role": "no name"}
    with pytest.raises(InputError) as info:
        load(json.dumps(bad).encode(), "json", origin="cms/story-42.json")
    assert info.value.source == "cms/story-42.json"
    assert info.value.field == "body[4].attribution.name"

    with pytest.raises(InputError, match="invalid JSON") as info:
        load(b"{not json", "json", origin="feed.json")
    assert info.value.source == "feed.json"
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "missing.json")


# --- export -------------------------------------------------------------------------------------


def test_export_returns_the_paths_written(tmp_path) -> None:
    article = load(fixture_path("deconflict"))
    paths = export(article, ["html"], out_dir=tmp_path / "dist")
    assert paths == [tmp_path / "dist" / f"{article.id}.html"]
    assert "document on Syria to be released</h1>" in paths[0].read_text("utf-8")
    assert export(article, "html", tmp_path / "dist") == paths  # one name as a string
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [paths[0].name]


def test_export_unknown_format_lists_the_known_ones(tmp_path) -> None:
    article = load(fixture_path("deconflict"))
    with pytest.raises(UnknownNameError) as info:
        export(article, ["html", "nosuch"], tmp_path)
    assert "html" in info.value.known and "known formats:" in str(info.value)
    assert isinstance(info.value, ExporterError)


def test_cms_dict_with_images_in_a_base_folder(tmp_path) -> None:
    """The docs/cms.md flow: a dict, a folder holding its images, one export."""
    images = tmp_path / "media"
    images.mkdir()
    for name in ("tram.jpg", "route-map.png"):
        shutil.copy(fixture_path("tram-line", name), images / name)
    article = Article.from_data(_cms_dict(), source=images / "cms-story-42.json")
    assert article.base_dir == images.resolve()
    (html,) = export(article, "html", tmp_path / "out")
    assert "data:image/jpeg;base64," in html.read_text("utf-8")

    # Without a base folder the images are not found: a ResourceError naming the field.
    orphan = Article.model_validate(_cms_dict()).with_origin(tmp_path / "elsewhere" / "x.json")
    with pytest.raises(ResourceError) as info:
        export(orphan, "html", tmp_path / "out2")
    assert isinstance(info.value, InputError)
    assert info.value.field == "lead_image.src"
    assert info.value.source == str((tmp_path / "elsewhere" / "x.json").resolve())
    assert not (tmp_path / "out2" / f"{orphan.id}.html").exists()


def test_batch_script_pattern_catches_input_errors_per_article(tmp_path) -> None:
    good, bad = _cms_dict(), _cms_dict()
    bad.pop("headline")
    written, failed = [], []
    for n, record in enumerate([bad, good]):
        try:
            article = Article.from_data(record, source=fixture_path("tram-line").parent / f"{n}.json")
            written += export(article, ["html"], tmp_path)
        except InputError as exc:
            failed.append(str(exc))
    assert [p.name for p in written] == ["riverside-tram-line-approved.html"]
    (message,) = failed
    assert message.endswith("0.json: headline: required field is missing")


def test_writer_failure_is_a_render_error_naming_the_article(tmp_path) -> None:
    class Boom(Writer):
        name = "boom"
        suffix = ".boom"
        description = "always fails"

        def write(self, articles, stream, options):
            stream.write(b"partial")
            raise ValueError("kaput")

    get_registry().add_writer(Boom)
    article = load(fixture_path("deconflict"))
    target = tmp_path / f"{article.id}.boom"
    target.write_bytes(b"previous good output")
    with pytest.raises(RenderError, match="boom writer failed: ValueError: kaput") as info:
        export(article, "boom", tmp_path)
    assert info.value.source == str(fixture_path("deconflict").resolve())
    assert target.read_bytes() == b"previous good output"


def test_write_options_reach_the_writer(tmp_path) -> None:
    seen = {}

    class Probe(Writer):
        name = "probe"
        suffix = ".probe"
        description = "records its options"

        def write(self, articles, stream, options):
            seen.update(paper=options.paper, extra=options.extra,
                        gate_roots=options.gate(articles[0]).roots)
            stream.write(b"ok")

    get_registry().add_writer(Probe)
    article = load(fixture_path("deconflict"))
    export(article, "probe", tmp_path, WriteOptions(paper="letter", extra={"k": "v"}))
    assert seen["paper"] == "letter" and seen["extra"] == {"k": "v"}
    assert Path(fixture_path("deconflict")).parent.resolve() in seen["gate_roots"]


def test_the_cms_script_in_the_docs_runs(tmp_path) -> None:
    """docs/cms.md's complete example, run as a script against a fake CMS export."""
    doc = (ROOT / "docs" / "cms.md").read_text("utf-8")
    script = re.search(r"<!-- tests/test_api.py runs this script.*?-->\s*```python\n(.*?)```",
                       doc, re.S).group(1)
    every = 'FORMATS = ["pdf", "docx", "epub", "rss", "html"]'
    assert every in script
    (tmp_path / "publish.py").write_text(script.replace(every, 'FORMATS = ["html", "rss"]'), "utf-8")

    canonical = _cms_dict()
    story = {
        "slug": canonical["id"], "title": canonical["headline"], "dek": canonical["standfirst"],
        "section": canonical["section"], "first_published": canonical["published"],
        "authors": [{"name": p["name"], "job_title": p["role"]} for p in canonical["bylines"]],
        "hero": {"file": "tram.jpg", "alt": canonical["lead_image"]["alt"],
                 "caption": canonical["lead_image"]["caption"],
                 "credit": canonical["lead_image"]["credit"]},
        "blocks": canonical["body"],
    }
    naive = {**story, "slug": "naive-date", "first_published": "2026-03-02T18:30:00"}
    untitled = {k: v for k, v in story.items() if k != "title"} | {"slug": "untitled"}
    (tmp_path / "cms-export.json").write_text(json.dumps([naive, story, untitled]), "utf-8")
    media = tmp_path / "media" / story["slug"]
    media.mkdir(parents=True)
    for name in ("tram.jpg", "route-map.png"):
        shutil.copy(fixture_path("tram-line", name), media / name)

    result = subprocess.run([sys.executable, "publish.py"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert ("skipped: media/naive-date/cms-story.json: published: date and time must include "
            "a UTC offset") in result.stderr
    assert "skipped: media/untitled/cms-story.json: cannot map the CMS record" in result.stderr
    dist = tmp_path / "dist"
    assert f"published {Path('dist') / (story['slug'] + '.html')}" in result.stdout
    assert (dist / f"{story['slug']}.html").is_file() and (dist / f"{story['slug']}.rss").is_file()
    assert not list(dist.glob("naive-date.*"))
    assert story["title"] in (dist / "feed.xml").read_text("utf-8")
    assert "feed: 1 item(s)" in result.stdout
