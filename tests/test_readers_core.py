"""The canonical JSON and Markdown readers against the shared fixtures."""

from __future__ import annotations

import json

import pytest

from exporter import load
from exporter.errors import InputError

from .conftest import fixture_path


@pytest.mark.parametrize("name", ["tram-line", "deconflict"])
def test_markdown_fixture_parses_to_its_json(name: str) -> None:
    expected = json.loads(fixture_path(name).read_text(encoding="utf-8"))
    assert load(fixture_path(name, "article.md")).to_dict() == expected


def test_markdown_features(tmp_path) -> None:
    src = tmp_path / "a.md"
    src.write_text(
        "---\nheadline: H\npublished: 2026-01-02T03:04:05+00:00\n---\n\n"
        "# Top level\n\n##### Deep\n\n"
        "Line one  \nline two with `code` and [a link](https://x.org) and soft\nbreak.\n\n"
        "- one\n- *two*\n\n"
        "> Just a quote without attribution.\n\n"
        "> First para.\n>\n> Second para.\n>\n> — Ana Costa\n\n"
        "![alt text](pic.png)\n\n"
        "```\ncode block\n```\n", encoding="utf-8")
    art = load(src)
    types = [b.type for b in art.body]
    assert types == ["heading", "heading", "paragraph", "list", "quote", "quote", "figure",
                     "paragraph"]
    assert [art.body[0].level, art.body[1].level] == [2, 4]
    para = art.to_dict()["body"][2]["content"]
    assert para[0] == "Line one" and para[1] == {"type": "break"}
    assert {"type": "link", "href": "https://x.org", "content": "a link"} in para
    assert para[-1].endswith("soft break.")
    assert art.body[4].attribution is None
    assert art.body[5].attribution.name == "Ana Costa"
    assert art.to_dict()["body"][5]["content"] == ["First para.", {"type": "break"},
                                                   "Second para."]
    fig = art.body[6].image
    assert (fig.src, fig.alt, fig.caption, fig.credit) == ("pic.png", "alt text", None, None)
    assert art.published.isoformat() == "2026-01-02T03:04:05+00:00"


def test_raw_html_in_markdown_is_not_passed_through(tmp_path, caplog) -> None:
    src = tmp_path / "h.md"
    src.write_text("---\nheadline: H\n---\n\n<script>alert(1)</script>\n\n"
                   "Text with <b>bold</b> and <img src=x onerror=alert(1)>.\n\n"
                   "<div>kept words</div>\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="exporter"):
        art = load(src)
    dumped = json.dumps(art.to_dict())
    assert "<" not in dumped and "alert" not in dumped
    assert art.body[0].content == "Text with bold and ."
    assert art.body[1].content == "kept words"
    assert any("raw HTML" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(("content", "words"), [
    (b"---\nheadline: [unclosed\n---\nbody\n", "invalid YAML"),
    (b"---\nheadline: H\nno closing", "no closing"),
    (b"no front matter at all\n", "front matter"),
    (b"---\n- a list\n---\n", "expected 'field: value'"),
    (b"---\nheadline: H\npublished: 2026-01-02T03:04:05\n---\n", "UTC offset"),
])
def test_bad_markdown_is_one_clear_input_error(tmp_path, content: bytes, words: str) -> None:
    src = tmp_path / "bad.md"
    src.write_bytes(content)
    with pytest.raises(InputError) as info:
        load(src)
    assert str(src) in str(info.value)
    assert words in str(info.value)


def test_bad_json_reports_line_and_column(tmp_path) -> None:
    src = tmp_path / "bad.json"
    src.write_text('{\n  "headline": "x",\n  "body": [,]\n}', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 3, column 12"):
        load(src)


def test_latin1_file_is_refused_as_not_utf8(tmp_path) -> None:
    src = tmp_path / "latin.json"
    src.write_bytes('{"headline": "Café"}'.encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load(src)


def test_load_bytes_needs_a_format() -> None:
    art = load(b'{"headline": "From bytes"}', format="json")
    assert art.id == "from-bytes" and art.origin is None


def test_unsafe_markdown_links_keep_words_not_targets(tmp_path, caplog) -> None:
    src = tmp_path / "l.md"
    src.write_text("---\nheadline: L\n---\n\n[a](javascript:alert(1)) [b](file:///etc/passwd) "
                   "[c](https://ok.example/) [d](mailto:desk@example.org)\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="exporter"):
        art = load(src)
    content = art.to_dict()["body"][0]["content"]
    assert content[0] == "a b "
    assert [n["href"] for n in content if isinstance(n, dict)] == [
        "https://ok.example/", "mailto:desk@example.org"]
    assert "javascript" not in json.dumps(art.to_dict())
    assert sum("link target" in r.getMessage() for r in caplog.records) == 2
