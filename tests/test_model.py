"""The canonical model: validation, error messages, round trips, schema."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from exporter.errors import InputError
from exporter.model import Article, json_schema

from .conftest import ARTICLE_DIRS, fixture_path


@pytest.mark.parametrize("name", ARTICLE_DIRS)
def test_fixture_json_round_trips(name: str) -> None:
    path = fixture_path(name)
    data = json.loads(path.read_text(encoding="utf-8"))
    article = Article.from_data(data, path)
    assert article.to_dict() == data
    assert json.loads(article.to_json()) == data


def test_article_is_immutable() -> None:
    article = Article.from_data({"headline": "A", "tags": ["x"]})
    with pytest.raises(ValidationError):
        article.headline = "B"  # type: ignore[misc]
    assert isinstance(article.tags, tuple)


def test_id_derived_from_headline_is_a_stable_slug() -> None:
    a = Article.from_data({"headline": "Council approves €410m tram: “yes”!"})
    b = Article.from_data({"headline": "Council approves €410m tram: “yes”!"})
    assert a.id == b.id == "council-approves-410m-tram-yes"
    arabic = Article.from_data({"headline": "افتتاح عيادة جديدة"})
    assert arabic.id.startswith("article-") and len(arabic.id) == len("article-") + 10


def test_direction_follows_language_unless_overridden() -> None:
    assert Article.from_data({"headline": "x", "language": "ar"}).dir == "rtl"
    assert Article.from_data({"headline": "x", "language": "he-IL"}).dir == "rtl"
    assert Article.from_data({"headline": "x"}).dir == "ltr"
    assert Article.from_data({"headline": "x", "language": "ar", "direction": "ltr"}).dir == "ltr"


def test_attribution_string_shorthand_round_trips() -> None:
    data = {"id": "q", "headline": "Q", "language": "en", "body": [
        {"type": "quote", "content": "Yes.", "attribution": "Ines Carvalho"}]}
    article = Article.from_data(data)
    assert article.body[0].attribution.name == "Ines Carvalho"
    assert article.to_dict() == data


@pytest.mark.parametrize(("data", "field", "words"), [
    ({}, "headline", "required"),
    ({"headline": "   "}, "headline", "empty"),
    ({"headline": 3}, "headline", "string"),
    ({"headline": "x", "published": "2026-03-02T18:30:00"}, "published", "UTC offset"),
    ({"headline": "x", "body": [{"type": "video"}]}, "body[0]", "video"),
    ({"headline": "x", "body": [{"type": "paragraph", "content": "a"},
                                {"type": "quote", "content": "q", "attribution": {"name": ""}}]},
     "body[1].attribution.name", "at least 1"),
    ({"headline": "x", "body": [{"type": "heading", "level": 1, "content": "h"}]},
     "body[0].level", "greater than or equal to 2"),
    ({"headline": "x", "lead_image": {"src": "a.jpg"}}, "lead_image.alt", "required"),
    ({"headline": "x", "colour": "red"}, "colour", "unknown field"),
    ({"headline": "x", "id": "Not A Slug"}, "id", "pattern"),
])
def test_validation_errors_name_file_and_field(data: dict, field: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        Article.from_data(data, "story.json")
    err = info.value
    assert err.source == "story.json"
    assert err.field == field
    assert words.lower() in err.message.lower()
    assert str(err).startswith(f"story.json: {field}: ")
    assert "\n" not in str(err)


def test_xml_unsafe_characters_removed_with_one_warning_per_field(caplog) -> None:
    data = {"headline": "Bad\x00 head\x0bline", "standfirst": "ok\ufffe",
            "body": [{"type": "paragraph", "content": "text\x0c here"}]}
    with caplog.at_level("WARNING", logger="exporter"):
        article = Article.from_data(data, "x.json")
    assert article.headline == "Bad headline"
    assert article.standfirst == "ok"
    assert article.body[0].content == "text here"
    fields = sorted(r.getMessage().split(": ")[1] for r in caplog.records)
    assert fields == ["body[0].content", "headline", "standfirst"]


def test_json_schema_is_generated_and_validates_fixtures() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    assert schema["title"] == "exporter canonical article"
    assert "headline" in schema["required"]
    for name in ARTICLE_DIRS:
        jsonschema.validate(json.loads(fixture_path(name).read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"headline": "x", "body": [{"type": "video"}]}, schema)
