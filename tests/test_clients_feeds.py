"""Feeds as real clients read them: the W3C Feed Validator (offline) and feedparser.

Every fixture's per-article RSS and the multi-article feed (RSS and Atom) are
validated at the URL they are published at: 0 errors, 0 warnings. feedparser
(the parser under most Python feed readers) must show the standfirst as the
summary (with and without a base URL), every byline in ``entry.author``, each
entry's language, its update time and its rights. Expected values are written
out by hand from the fixtures.
"""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from feedvalidator_run import problems, validate
from test_feed import make_corpus

from exporter import load
from exporter.api import export
from exporter.cli import run
from exporter.writers import WriteOptions

BASE = "https://news.example/feeds/"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

EXPECTED = {  # fixture: (standfirst start, author, language, updated, rights)
    "deconflict": ("White House says understanding with Russia", None, "en",
                   "2015-10-20T09:00:00+00:00", None),
    "tram-line": ("The 14 km route will link the port to the university quarter",
                  "Marta Okonkwo-Silva, Transport correspondent · "
                  "Declan Ó Briain, City hall reporter", "en",
                  "2026-03-03T07:15:00+00:00", "© 2026 Example News Ltd"),
    "rtl-arabic": ("العيادة تعمل على مدار الساعة", "ليلى حداد، مراسلة الشؤون الصحية", "ar",
                   "2026-05-11T07:00:00+00:00", None),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_per_article_rss_validates_at_its_url(name, tmp_path):
    article = load(EXAMPLES / name / "article.json")
    (path,) = export(article, "rss", tmp_path, WriteOptions(base_url=BASE))
    kind, _ = validate(path.read_bytes(), BASE + path.name)
    assert kind == "rss2"
    assert problems(path.read_bytes(), BASE + path.name) == []


@pytest.mark.parametrize("base_url", [BASE, None])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_feedparser_view_of_per_article_rss(name, base_url, tmp_path):
    article = load(EXAMPLES / name / "article.json")
    (path,) = export(article, "rss", tmp_path, WriteOptions(base_url=base_url))
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo
    (entry,) = parsed.entries
    standfirst, author, language, updated, rights = EXPECTED[name]
    assert entry.title == article.headline
    assert entry.summary.startswith(standfirst)  # the standfirst, never the photo caption
    assert entry.get("author") == author
    assert entry.language == language
    assert entry.updated == updated
    assert entry.get("rights") == rights
    assert parsed.feed.get("rights") == rights  # channel <copyright>


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_multi_article_feed(fmt, tmp_path):
    corpus = make_corpus(tmp_path)
    out = tmp_path / "pub" / f"news.{fmt}"
    assert run(["feed", str(corpus), "-o", str(out), "--title", "Example News",
                "--link", "https://news.example/", "--base-url", BASE, "--format", fmt,
                "--now", "2026-06-20T00:00:00+00:00"]) == 0
    data = out.read_bytes()
    assert problems(data, BASE + out.name) == []
    entries = {e.title: e for e in feedparser.parse(data).entries}
    for name, (standfirst, author, language, updated, rights) in EXPECTED.items():
        entry = entries[load(EXAMPLES / name / "article.json").headline]
        assert entry.summary.startswith(standfirst)
        assert entry.get("author") == author
        assert (entry.get("language") or entry.title_detail.language) == language
        assert entry.updated == updated
        assert entry.get("rights") == rights
