"""Shared test fixtures: the article fixtures copied from the project's shared inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE_DIRS = ("deconflict", "tram-line", "rtl-arabic")


def fixture_path(name: str, file: str = "article.json") -> Path:
    return FIXTURES / name / file


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
