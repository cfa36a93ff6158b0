"""Bad input: one clear line naming the file and the field, never a traceback.

Inputs that Python itself cannot parse (10,000 levels of nesting, a
5000-digit integer, an offset of +99:00), inputs nested too deeply to
render or pickle for a worker, ids too long for a file name, and instants
outside what the writers can convert to UTC. The CLI prints one line; the
API raises an :class:`~exporter.errors.InputError`, not RecursionError,
ValueError or OverflowError.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import exporter
from exporter.errors import InputError
from exporter.model import Article

DEEP = 10_000


def _nested_em(levels: int) -> dict[str, Any]:
    node: Any = "deep"
    for _ in range(levels):
        node = {"type": "em", "content": [node]}
    return node


# name, file text, the one error line after "exporter: error: <file>: "
CASES: list[tuple[str, str, str]] = [
    ("deep.json", '{"headline": "x", "body": ' + "[" * DEEP + "]" * DEEP + "}",
     "invalid JSON: nested too deeply for the parser (an article needs about 40 levels)"),
    ("bigint.json", '{"headline": "x", "lead_image": {"src": "a.jpg", "alt": "a", "width": '
     + "9" * 5000 + "}}",
     "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion: "
     "value has 5000 digits"),
    ("deep.md", "---\nheadline: x\ntags: " + "[" * DEEP + "]" * DEEP + "\n---\n\nBody.\n",
     "tags: front matter: nested deeper than 100 levels (line 3)"),
    ("bigint.md", "---\nheadline: x\nlead_image: {src: a.jpg, alt: a, width: " + "9" * 5000
     + "}\n---\n\nBody.\n",
     "lead_image.width: front matter: integer longer than 30 digits (line 3)"),
    ("offset.md", "---\nheadline: x\npublished: 2024-05-01T10:00:00+99:00\n---\n\nBody.\n",
     "published: front matter: not a valid date or time: '2024-05-01T10:00:00+99:00' (offset must "
     "be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not "
     "datetime.timedelta(days=4, seconds=10800).) (line 3)"),
    ("year0.md", "---\nheadline: x\npublished: 0000-01-01\n---\n\nBody.\n",
     "published: front matter: not a valid date or time: '0000-01-01' (year 0 is out of range) "
     "(line 3)"),
    ("em.json", json.dumps({"headline": "x", "body": [
        {"type": "paragraph", "content": "fine"},
        {"type": "paragraph", "content": ["Some ", _nested_em(200)]}]}),
     "body[1].content: inline nesting deeper than 32 levels"),
    ("late.json", '{"headline": "x", "published": "9999-12-31T23:59:59-23:59"}',
     "published: date and time out of range once converted to UTC (years 0001 to 9999)"),
    ("early.json", '{"headline": "x", "updated": "0001-01-01T00:00+14:00"}',
     "updated: date and time out of range once converted to UTC (years 0001 to 9999)"),
    ("longid.json", '{"headline": "x", "id": "' + "a" * 240 + '"}',
     "id: longer than 200 characters: output file names are made from it and must fit in "
     "255 bytes"),
]


@pytest.mark.parametrize(("name", "text", "line"), CASES, ids=[c[0] for c in CASES])
def test_parse_reports_one_line(tmp_path: Path, name: str, text: str, line: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "exporter", "parse", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"exporter: error: {path}: {line}"]


@pytest.mark.parametrize(("name", "text", "line"), CASES, ids=[c[0] for c in CASES])
def test_load_raises_an_input_error(tmp_path: Path, name: str, text: str, line: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        exporter.load(path)
    assert str(caught.value) == f"{path}: {line}"


def test_from_data_refuses_data_nested_too_deeply() -> None:
    deep: Any = []
    for _ in range(DEEP):
        deep = [deep]
    with pytest.raises(InputError) as caught:
        Article.from_data({"headline": "x", "tags": deep})
    assert (caught.value.field, caught.value.message) == ("tags", "nested deeper than 100 levels")


def test_from_data_refuses_deep_inline_nesting_and_takes_32_levels() -> None:
    with pytest.raises(InputError) as caught:
        Article.from_data({"headline": "x", "body": [
            {"type": "list", "items": ["one", ["two ", _nested_em(33)]]}]})
    assert (caught.value.field, caught.value.message) == (
        "body[0].items[1]", "inline nesting deeper than 32 levels")
    article = Article.from_data({"headline": "x", "body": [
        {"type": "paragraph", "content": [_nested_em(32)]}]})
    import pickle  # what a batch does to send the article to a worker

    assert pickle.loads(pickle.dumps(article)) == article


def test_from_data_refuses_a_set() -> None:
    with pytest.raises(InputError) as caught:
        Article.from_data({"headline": "x", "tags": {"trams", "buses"}})
    assert (caught.value.field, caught.value.message) == ("tags", "a set has no order; use a list")


def test_an_id_of_200_characters_can_be_written(tmp_path: Path) -> None:
    article = Article.from_data({"headline": "x", "id": "a" * 200})
    (written,) = exporter.export(article, "html", tmp_path)
    assert written.name == "a" * 200 + ".html"


def test_yaml_set_gives_the_same_output_under_every_hash_seed(tmp_path: Path) -> None:
    story = tmp_path / "story.md"
    story.write_text("---\nheadline: Tram line opens\ntags: !!set {tram, bus, metro, ferry, bike, walk}"
                     "\n---\n\nBody.\n", encoding="utf-8")
    runs = [subprocess.run([sys.executable, "-m", "exporter", "parse", str(story)],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, "PYTHONHASHSEED": seed})
            for seed in ("1", "2")]
    assert (runs[0].stdout, runs[0].stderr) == (runs[1].stdout, runs[1].stderr)
    assert runs[0].stderr.splitlines() == [
        f"exporter: error: {story}: tags: front matter: YAML tag !!set is not accepted; use plain "
        "strings, numbers, lists and mappings (line 3)"]
