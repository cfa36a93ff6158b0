"""Shared test fixtures.

The three sample articles have one copy, in ``examples/`` (shipped in the wheel as
``exporter/samples``); ``tests/fixtures/`` holds only the readers' real-world inputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
#: the sample articles (one folder each: article.json, images, and .md/.txt forms)
ARTICLES = Path(__file__).resolve().parent.parent / "examples"
ARTICLE_DIRS = ("deconflict", "tram-line", "rtl-arabic")


def fixture_path(name: str, file: str = "article.json") -> Path:
    return ARTICLES / name / file


@pytest.fixture(params=ARTICLE_DIRS)
def fixture_name(request: pytest.FixtureRequest) -> str:
    """Each fixture article's folder name, one test per fixture."""
    return request.param


@pytest.fixture
def article(fixture_name: str):
    """The validated Article of each fixture (parametrised over all fixtures)."""
    from exporter import load

    return load(fixture_path(fixture_name))


@pytest.fixture
def article_json(fixture_name: str) -> dict:
    return json.loads(fixture_path(fixture_name).read_text(encoding="utf-8"))


def load_fixture(name: str):
    from exporter import load

    return load(fixture_path(name))
