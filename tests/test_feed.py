"""`exporter feed` and build_feed(): many articles -> one feed, safe under cron.

The corpus: the three fixtures (with their pictures), an embargoed article, a
future-dated one and one without a publication date. Clocks are given with
--now; the --every test uses the real clock.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from conftest import ARTICLE_DIRS, ARTICLES
from feedcheck import ATOM, NS, atom_problems, rss_problems
from lxml import etree

from exporter import load
from exporter.cli import run
from exporter.feed import EXIT_LOCKED, FeedLockedError, build_feed

LINK = "https://news.example.org/"
BASE = "https://news.example.org/feeds/"
NOW1 = "2026-05-20T00:00:00+00:00"  # embargoed and future articles withheld
NOW2 = "2026-06-02T00:00:00+00:00"  # embargo lifted
NOW3 = "2026-06-20T00:00:00+00:00"  # future article published
HEADLINES = {
    "deconflict": "US, Russia 'deconflict' document on Syria to be released",
    "tram-line": "Council approves €410m riverside tram line after three-year fight",
    "rtl-arabic": "افتتاح عيادة جديدة في المدينة القديمة لخدمة أكثر من عشرين ألف نسمة",
    "embargoed": "Embargoed: budget leak",
    "future": "Future: tomorrow's story",
}


def _article(headline: str, **fields) -> dict:
    return {"headline": headline, "standfirst": f"Standfirst of {headline}.",
            "bylines": [{"name": "Desk Reporter", "role": "Staff"}],
            "body": [{"type": "paragraph", "content": f"Body of {headline}."}], **fields}


def make_corpus(root: Path) -> Path:
    folder = root / "in"
    for name in ARTICLE_DIRS:
        shutil.copytree(ARTICLES / name, folder / name,
                        ignore=shutil.ignore_patterns("*.md", "seed.txt"))
    extra = {
        "embargoed": _article(HEADLINES["embargoed"], published="2026-05-15T00:00:00+00:00",
                              embargo="2026-06-01T00:00:00+00:00"),
        "future": _article(HEADLINES["future"], published="2026-06-15T00:00:00+00:00"),
        "undated": _article("Undated note"),
    }
    for name, data in extra.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "article.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path)


def _feed(corpus: Path, out: Path, *args: str) -> int:
    return run(["feed", str(corpus), "-o", str(out), "--title", "Example News", "--link", LINK,
                *args])


def _titles(data: bytes) -> list[str]:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [e.title for e in parsed.entries]


# --- selection, order, clock ------------------------------------------------------------


def test_order_embargo_and_clock(corpus, tmp_path, capsys):
    out = tmp_path / "out" / "feed.xml"
    assert _feed(corpus, out, "--now", NOW1) == 0
    h = HEADLINES
    assert _titles(out.read_bytes()) == [h["rtl-arabic"], h["tram-line"], h["deconflict"]]
    err = capsys.readouterr().err
    assert "undated" in err and "no publication date" in err
    assert "2 withheld (next at 2026-06-01T00:00:00+00:00)" in err

    assert _feed(corpus, out, "--now", NOW2) == 0  # the embargo has passed: it appears
    data = out.read_bytes()
    assert _titles(data) == [h["embargoed"], h["rtl-arabic"], h["tram-line"], h["deconflict"]]
    assert etree.fromstring(data).findtext("channel/lastBuildDate") == \
        "Mon, 01 Jun 2026 00:00:00 +0000"  # when the feed last changed, not the clock

    assert _feed(corpus, out, "--now", NOW3) == 0
    assert _titles(out.read_bytes())[:2] == [h["future"], h["embargoed"]]


def test_limit_takes_the_newest(corpus, tmp_path):
    out = tmp_path / "feed.xml"
    assert _feed(corpus, out, "--now", NOW3, "--limit", "2") == 0
    assert _titles(out.read_bytes()) == [HEADLINES["future"], HEADLINES["embargoed"]]


def test_every_item_has_guid_and_pubdate(corpus, tmp_path):
    out = tmp_path / "feed.xml"
    assert _feed(corpus, out, "--now", NOW3, "--base-url", BASE) == 0
    items = etree.fromstring(out.read_bytes()).findall("channel/item")
    guids = [i.findtext("guid") for i in items]
    assert len(items) == 5 and all(guids) and len(set(guids)) == len(guids)
    assert all(i.findtext("pubDate") for i in items)


def test_same_input_same_bytes_file_untouched(corpus, tmp_path):
    out = tmp_path / "feed.xml"
    assert _feed(corpus, out, "--now", NOW2, "--base-url", BASE) == 0
    before, stat = out.read_bytes(), out.stat()
    time.sleep(0.02)
    # the same clock, and a later one with nothing new: nothing changes
    assert _feed(corpus, out, "--now", NOW2, "--base-url", BASE) == 0
    assert _feed(corpus, out, "--now", "2026-06-10T00:00:00Z", "--base-url", BASE) == 0
    assert out.read_bytes() == before
    after = out.stat()
    assert (after.st_mtime_ns, after.st_ino) == (stat.st_mtime_ns, stat.st_ino)
    result = build_feed([corpus], out, title="Example News", link=LINK, base_url=BASE,
                        now=datetime(2026, 6, 3, tzinfo=UTC))
    assert result.changed is False and out.stat().st_mtime_ns == stat.st_mtime_ns


def test_bad_article_is_skipped_exit_1(corpus, tmp_path, capsys):
    (corpus / "broken.json").write_text('{"headline": "Broken", "published": "yesterday"}')
    out = tmp_path / "feed.xml"
    assert _feed(corpus, out, "--now", NOW3) == 1
    assert len(_titles(out.read_bytes())) == 5
    err = capsys.readouterr().err
    assert "broken.json" in err and "published" in err


def test_duplicate_ids_are_reported(corpus, tmp_path, capsys):
    shutil.copy(corpus / "future" / "article.json", corpus / "copy-of-future.json")
    out = tmp_path / "feed.xml"
    assert _feed(corpus, out, "--now", NOW3) == 1
    assert "same article as" in capsys.readouterr().err
    assert len(_titles(out.read_bytes())) == 5


def test_limit_renders_only_what_it_shows(corpus, tmp_path):
    """An old article with a refused picture is never rendered when --limit excludes it."""
    bad = _article("Old story with a bad picture", published="2001-01-01T00:00:00+00:00",
                   lead_image={"src": "../../../../etc/hostname", "alt": "x"})
    (corpus / "old.json").write_text(json.dumps(bad))
    out = tmp_path / "feed.xml"
    assert _feed(corpus, out, "--now", NOW3, "--base-url", BASE, "--limit", "5") == 0
    assert _feed(corpus, out, "--now", NOW3, "--base-url", BASE) == 1  # now it is needed
    assert len(_titles(out.read_bytes())) == 5  # and skipped, the feed still written


def test_empty_feed_has_no_build_date(corpus, tmp_path):
    out = tmp_path / "feed.xml"
    assert _feed(corpus, out, "--now", "2000-01-01T00:00:00Z", "--base-url", BASE) == 0
    data = out.read_bytes()
    assert _titles(data) == []
    assert etree.fromstring(data).find("channel/lastBuildDate") is None
    assert rss_problems(data) == []


# --- formats and validity ----------------------------------------------------------------


def test_rss_is_valid_with_media(corpus, tmp_path):
    out = tmp_path / "pub" / "feed.xml"
    assert _feed(corpus, out, "--now", NOW3, "--base-url", BASE) == 0
    data = out.read_bytes()
    assert rss_problems(data) == []
    root = etree.fromstring(data)
    for prefix in ("media", "content", "dc", "atom"):
        assert root.nsmap[prefix] == NS[prefix]
    channel = root.find("channel")
    assert channel.findtext("link") == LINK
    assert channel.find("atom:link", NS).get("href") == BASE + "feed.xml"
    assert channel.find("language") is None  # the articles do not share one language
    for item in channel.findall("item"):
        for content in item.findall("media:content", NS):
            assert (out.parent / content.get("url").removeprefix(BASE)).is_file()
    tram = load(ARTICLES / "tram-line" / "article.json")
    (item,) = [i for i in channel.findall("item") if i.findtext("title") == tram.headline]
    content = item.find("media:content", NS)
    assert content.findtext("media:description", namespaces=NS) == tram.lead_image.caption
    assert content.findtext("media:credit", namespaces=NS) == tram.lead_image.credit
    assert [c.text for c in item.findall("dc:creator", NS)] == [  # one, naming both
        "Marta Okonkwo-Silva, Transport correspondent · Declan Ó Briain, City hall reporter"]


def test_atom_is_valid(corpus, tmp_path):
    out = tmp_path / "feed.atom"
    assert _feed(corpus, out, "--now", NOW3, "--base-url", BASE, "--format", "atom") == 0
    data = out.read_bytes()
    parsed = feedparser.parse(data)
    assert not parsed.bozo and parsed.version == "atom10"
    assert atom_problems(data) == []
    a = {"a": ATOM, **NS}
    root = etree.fromstring(data)
    assert root.findtext("a:id", namespaces=a) == BASE + "feed.atom"
    assert root.findtext("a:updated", namespaces=a) == "2026-06-15T00:00:00+00:00"
    assert root.findtext("a:author/a:name", namespaces=a) == "Example News"
    rels = {ln.get("rel"): ln.get("href") for ln in root.findall("a:link", a)}
    assert rels == {"self": BASE + "feed.atom", "alternate": LINK}
    entries = root.findall("a:entry", a)
    assert [e.findtext("a:title", namespaces=a) for e in entries] == _titles(data)
    for entry in entries:
        for tag in ("id", "title", "updated", "published", "summary"):
            assert entry.findtext(f"a:{tag}", namespaces=a), tag
        assert entry.find("a:content", a).get("type") == "html"
    tram = next(e for e in entries if "tram" in e.findtext("a:title", namespaces=a))
    links = {ln.get("rel"): ln for ln in tram.findall("a:link", a)}
    assert links["alternate"].get("href") == \
        "https://news.example.org/city/riverside-tram-line-approved"
    assert int(links["enclosure"].get("length")) == (ARTICLES / "tram-line" / "tram.jpg").stat().st_size
    assert tram.find("media:content/media:credit", NS).text == "Ana Ribeiro/Example News"


# --- Python API -----------------------------------------------------------------------------


def test_build_feed_api(corpus, tmp_path):
    articles = [load(corpus / "future" / "article.json"), corpus / "tram-line"]
    result = build_feed(articles, tmp_path / "api.xml", title="API", link=LINK,
                        now=datetime(2026, 6, 1, tzinfo=UTC))
    assert result.items == ["riverside-tram-line-approved"]
    assert [w[1] for w in result.withheld] == [datetime(2026, 6, 15, tzinfo=UTC)]
    assert result.next_release == datetime(2026, 6, 15, tzinfo=UTC)
    assert result.changed and result.exit_code == 0
    assert result.updated == datetime(2026, 3, 3, 7, 15, tzinfo=UTC)  # tram-line's update
    with pytest.raises(Exception, match="--link"):
        build_feed(articles, tmp_path / "x.xml", title="API", link="/relative")


def test_long_lived_builder_notices_changes(corpus, tmp_path):
    """--every keeps a builder: unchanged files are reused, edited files and pictures are not."""
    from exporter.feed import FeedBuilder, FeedSettings

    builder = FeedBuilder(FeedSettings(title="T", link=LINK, base_url=BASE))
    out = tmp_path / "feed.xml"
    now = datetime.fromisoformat(NOW3)
    first = builder.build([corpus], out, now)
    assert first.changed and not builder.build([corpus], out, now).changed
    story = corpus / "future" / "article.json"
    data = json.loads(story.read_text())
    data["headline"] = "Future: an edited headline"
    story.write_text(json.dumps(data))
    picture = corpus / "tram-line" / "tram.jpg"
    picture.write_bytes((corpus / "deconflict" / "lead.jpg").read_bytes())  # replaced in place
    third = builder.build([corpus], out, now)
    feed = out.read_bytes()
    assert third.changed and _titles(feed)[0] == "Future: an edited headline"
    lengths = [e.get("length") for e in etree.fromstring(feed).iter("enclosure")]
    assert str(picture.stat().st_size) in lengths


# --- config file --------------------------------------------------------------------------


def test_config_file_and_flags_win(corpus, tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "exporter.toml").write_text(
        f'[feed]\ninputs = ["{corpus}"]\nout = "public/feed.xml"\ntitle = "From config"\n'
        f'link = "{LINK}"\nlimit = 1\nlock-timeout = 5\n', encoding="utf-8")
    monkeypatch.chdir(site)
    assert run(["feed", "--now", NOW3]) == 0
    data = (site / "public" / "feed.xml").read_bytes()
    assert _titles(data) == [HEADLINES["future"]]
    assert etree.fromstring(data).findtext("channel/title") == "From config"
    assert run(["feed", "--now", NOW3, "--limit", "2", "--title", "From flags"]) == 0
    data = (site / "public" / "feed.xml").read_bytes()
    assert len(_titles(data)) == 2
    assert etree.fromstring(data).findtext("channel/title") == "From flags"


def test_pyproject_config(corpus, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "site"\n[tool.exporter.feed]\ntitle = "P"\nlink = "{LINK}"\n'
        'format = "atom"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run(["feed", str(corpus), "-o", "f.atom", "--now", NOW1]) == 0
    assert feedparser.parse((tmp_path / "f.atom").read_bytes()).version == "atom10"


@pytest.mark.parametrize("args, message", [
    (["--link", LINK], "title"),
    (["--title", "T"], "--link"),
    (["--title", "T", "--link", LINK, "--now", "2026-01-01T00:00:00"], "UTC offset"),
    (["--title", "T", "--link", LINK, "--now", NOW1, "--every", "10m"], "--every"),
    (["--title", "T", "--link", LINK, "--every", "soon"], "duration"),
    (["--title", "T", "--link", LINK, "--base-url", "feeds/"], "base-url"),
])
def test_usage_errors(corpus, tmp_path, capsys, args, message):
    assert run(["feed", str(corpus), "-o", str(tmp_path / "f.xml"), *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "f.xml").exists()


def test_unknown_config_key(corpus, tmp_path, monkeypatch, capsys):
    (tmp_path / "exporter.toml").write_text('[feed]\ntitel = "typo"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run(["feed", str(corpus), "-o", "f.xml"]) == 2
    assert "unknown setting 'titel'" in capsys.readouterr().err


# --- processes: lock, overlapping runs, --every ----------------------------------------------


def _cli(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "exporter", "feed", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_lock_held_distinct_exit(corpus, tmp_path):
    out = tmp_path / "feed.xml"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from filelock import FileLock\n"
        f"lock = FileLock({str(out) + '.lock'!r}); lock.acquire()\n"
        "print('held', flush=True); time.sleep(30)")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        proc = _cli(str(corpus), "-o", str(out), "--title", "T", "--link", LINK, "--now", NOW1,
                    "--lock-timeout", "0.3")
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == EXIT_LOCKED == 75
        assert "another run holds the lock" in err
        assert not out.exists()
        with pytest.raises(FeedLockedError):
            build_feed([corpus], out, title="T", link=LINK, lock_timeout=0.1)
    finally:
        holder.kill()
        holder.wait()


def test_three_overlapping_runs_leave_one_valid_feed(corpus, tmp_path):
    for i in range(60):  # enough articles that the runs really overlap
        data = _article(f"Filler {i}", published=f"2025-01-01T00:{i // 60:02d}:{i % 60:02d}Z")
        (corpus / f"filler-{i:03d}.json").write_text(json.dumps(data))
    out = tmp_path / "pub" / "feed.xml"
    args = (str(corpus), "-o", str(out), "--title", "T", "--link", LINK, "--now", NOW3,
            "--base-url", BASE, "--lock-timeout", "60", "-q")
    procs = [_cli(*args) for _ in range(3)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [r[1] for r in results]
    data = out.read_bytes()
    assert len(_titles(data)) == 65 and rss_problems(data) == []
    reference = tmp_path / "ref" / "feed.xml"
    build_feed([corpus], reference, title="T", link=LINK, base_url=BASE,
               now=datetime.fromisoformat(NOW3))
    assert data == reference.read_bytes()
    leftovers = [p.name for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_every_wakes_for_embargo_and_stops_on_ctrl_c(corpus, tmp_path):
    out = tmp_path / "feed.xml"
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4)
    (corpus / "soon.json").write_text(json.dumps(_article(
        "Lifts in a moment", published="2026-01-01T00:00:00Z", embargo=soon.isoformat())))
    for name in ("future", "embargoed", "undated"):
        shutil.rmtree(corpus / name)
    proc = _cli(str(corpus), "-o", str(out), "--title", "T", "--link", LINK, "--every", "1h")
    try:
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "Lifts in a moment" not in _titles(out.read_bytes())
        while "Lifts in a moment" not in _titles(out.read_bytes()):
            assert time.monotonic() < deadline, "the embargo lifted but the feed was not rebuilt"
            time.sleep(0.2)
        assert datetime.now(UTC) >= soon
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    # the lock was released: an ordinary run gets it at once
    assert build_feed([corpus], out, title="T", link=LINK, lock_timeout=0).exit_code == 0


# --- the output side: one line naming the file, never "another run holds the lock" -----------


def _feed_err(corpus: Path, out: Path, capsys, *args: str) -> tuple[int, str]:
    code = run(["feed", str(corpus), "-o", str(out), "--title", "T", "--link", LINK, "--now",
                NOW1, "--lock-timeout", "0.2", *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_feed_into_proc_is_not_a_held_lock(corpus, capsys):
    code, err = _feed_err(corpus, Path("/proc/feed.xml"), capsys)
    assert code == 1
    assert "another run" not in err
    assert "exporter: error: /proc/feed.xml.lock: cannot create the lock file" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_feed_into_read_only_folder(corpus, tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        code, err = _feed_err(corpus, folder / "feed.xml", capsys)
    finally:
        folder.chmod(0o755)
    assert code == 1 and "another run" not in err
    assert f"{folder / 'feed.xml.lock'}: cannot create the lock file: Permission denied" in err


def test_feed_into_a_file_as_folder(corpus, tmp_path, capsys):
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    code, err = _feed_err(corpus, tmp_path / "plain" / "feed.xml", capsys)
    assert code == 1
    assert f"{tmp_path / 'plain'}: is not a folder, so the feed cannot go in it" in err


def test_symlinked_lock_is_refused_and_not_followed(corpus, tmp_path, capsys):
    target = tmp_path / "elsewhere"
    (tmp_path / "feed.xml.lock").symlink_to(target)
    code, err = _feed_err(corpus, tmp_path / "feed.xml", capsys)
    assert code == 1
    assert (f"{tmp_path / 'feed.xml.lock'}: the lock file is a symlink; refusing to follow it"
            in err)
    assert not target.exists() and not (tmp_path / "feed.xml").exists()


def test_style_file_not_utf8_names_the_file(corpus, tmp_path, capsys):
    style = tmp_path / "style"
    (style / "templates").mkdir(parents=True)
    (style / "templates" / "article.html.j2").write_bytes(b"\xff{{ a.headline }}")
    code, err = _feed_err(corpus, tmp_path / "feed.xml", capsys, "--style", str(style))
    assert code == 1
    lines = [line for line in err.splitlines() if "error" in line]
    assert lines == [f"exporter: error: {style / 'templates' / 'article.html.j2'}: "
                     "style file is not UTF-8 text (byte 0)"]
    assert not (tmp_path / "feed.xml").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_unreadable_style_file_names_the_file(corpus, tmp_path, capsys):
    style = tmp_path / "style"
    (style / "templates").mkdir(parents=True)
    template = style / "templates" / "article.html.j2"
    template.write_text("{{ a.headline }}", encoding="utf-8")
    template.chmod(0)
    try:
        code, err = _feed_err(corpus, tmp_path / "feed.xml", capsys, "--style", str(style))
    finally:
        template.chmod(0o644)
    assert code == 1
    assert f"{template}: style file cannot be read: Permission denied" in err


def test_feed_asks_the_registry_for_a_feed_writer():
    from exporter.feed import feed_writer
    from exporter.writers.rss import RssWriter

    assert isinstance(feed_writer("rss"), RssWriter)
    assert isinstance(feed_writer("atom"), RssWriter)
    with pytest.raises(Exception, match="unknown feed format 'json'; known: rss, atom"):
        feed_writer("json")
