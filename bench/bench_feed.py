"""Feed speed and memory: a 10,000-item feed in-process, against raw feedgen.

Run by hand (not part of the test suite)::

    python bench/bench_feed.py                 # 10,000 articles, 5 repeats
    python bench/bench_feed.py -n 2000 -r 3

It writes N article files to a temporary folder, then times (medians):

- reading the inputs: ``exporter.load`` of every file (parse + validate);
- a cold build from the loaded articles: select, render every item with the
  shared HTML rendering, feedgen, write (``FeedBuilder.build``);
- the same split in parts: rendering only, and our feedgen document only;
- raw feedgen with the same items (same fields, content strings already
  rendered), the baseline the issue compares against;
- a warm rebuild of the folder by a long-lived builder (``--every``): files
  unchanged, so only stat calls, selection and feedgen;
- a typical ``--limit 50`` build from the loaded articles;
- whole ``exporter feed`` processes, as cron runs them, with and without
  ``--limit 50`` (interpreter start-up, imports, reading all inputs, build).

Then memory: tracemalloc's current size after each of 10 warm rebuilds and
after each of 5 cold ``build_feed`` calls, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 6, 1, tzinfo=UTC)
LINK = "https://news.example.org/"


def make_articles(folder: Path, n: int) -> list[Path]:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    paths = []
    for i in range(n):
        data = {
            "id": f"story-{i:05d}",
            "headline": f"Council debates plan number {i} for the riverside quarter",
            "standfirst": "Residents and shop owners say they were never consulted about the route",
            "language": "en",
            "published": (start + timedelta(minutes=7 * i)).isoformat(),
            "url": f"https://news.example.org/city/story-{i:05d}",
            "bylines": [{"name": "Marta Okonkwo-Silva", "role": "Transport correspondent"},
                        {"name": "Declan Ó Briain"}],
            "tags": ["City", "Transport", f"Ward {i % 30}"],
            "body": [{"type": "paragraph", "content": f"Paragraph {p} of story {i}: councillors "
                      "voted on the plan after a long debate about cost, flooding and the "
                      "timetable for construction work on the quay."} for p in range(6)]
            + [{"type": "quote", "content": "We read about the route in the newspaper.",
                "attribution": {"name": "Tomás Reyes", "role": "chair of the traders"}}],
        }
        path = folder / f"story-{i:05d}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        paths.append(path)
    return paths


def _cpu() -> float:
    """CPU seconds of this process and its finished children: steadier than wall time
    on a shared machine, where waiting for a core inflates the wall clock."""
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn: Callable[[], object], repeat: int) -> tuple[tuple[float, float], object]:
    """(median wall seconds, median CPU seconds), and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        gc.collect()
        t0, c0 = time.perf_counter(), _cpu()
        result = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(_cpu() - c0)
    return (statistics.median(walls), statistics.median(cpus)), result


def _medians(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def raw_feedgen(items) -> bytes:
    """The baseline: feedgen used the plain way, with its own dc extension."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.load_extension("dc", atom=False)
    fg.title("Example News")
    fg.link(href=LINK)
    fg.description("Example News")
    fg.lastBuildDate(NOW)
    for item in items:
        entry = fg.add_entry(order="append")
        entry.title(item.title)
        entry.link(href=item.link)
        entry.guid(item.guid, permalink=True)
        entry.description(item.summary)
        entry.content(item.content_html, type="html")
        entry.published(item.published)
        for name in item.creators:
            entry.dc.dc_creator(name)
        entry.category([{"term": t} for t in item.categories])
    return fg.rss_str(pretty=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="articles in the feed")
    parser.add_argument("-r", "--repeat", type=int, default=5, help="repeats per measurement")
    args = parser.parse_args()

    from exporter import load
    from exporter.feed import FeedBuilder, FeedSettings, build_feed
    from exporter.writers import WriteOptions
    from exporter.writers.rss import Channel, make_item, plan_media, render_feed

    rows: list[tuple[str, tuple[float, float], str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        out = Path(tmp) / "pub" / "feed.xml"
        paths = make_articles(folder, args.n)
        settings = FeedSettings(title="Example News", link=LINK)
        options = WriteOptions()

        t, articles = timed(lambda: [load(p) for p in paths], args.repeat)
        rows.append(("read inputs (load + validate)", t, f"{args.n} files"))

        def cold_build():
            out.unlink(missing_ok=True)
            return FeedBuilder(settings).build(articles, out, NOW)

        t, result = timed(cold_build, args.repeat)
        size = out.stat().st_size
        rows.append(("cold build from loaded articles", t, f"{len(result.items)} items, "
                     f"{size / 1e6:.1f} MB"))

        renderer = options.renderer
        t, _ = timed(lambda: [renderer.article_html(a) for a in articles], args.repeat)
        rows.append(("  of which: shared HTML rendering", t, "article_html x N"))
        t, items = timed(lambda: [make_item(a, options, plan_media(a, options))
                                  for a in articles], args.repeat)
        rows.append(("  of which: items (render + wording)", t, "make_item x N"))
        channel = Channel(title="Example News", link=LINK, description="Example News",
                          updated=NOW)
        ours_t, raw_t = [], []
        for _ in range(args.repeat):  # interleaved, so machine noise hits both alike
            t, ours = timed(lambda: render_feed(channel, items), 1)
            ours_t.append(t)
            t, raw = timed(lambda: raw_feedgen(items), 1)
            raw_t.append(t)
        rows.append(("  of which: our feedgen document", _medians(ours_t),
                     f"{len(ours) / 1e6:.1f} MB"))
        rows.append(("raw feedgen, same items (baseline)", _medians(raw_t),
                     f"{len(raw) / 1e6:.1f} MB, feedgen's dc extension"))

        builder = FeedBuilder(settings)
        builder.build([folder], out, NOW)
        t, warm = timed(lambda: builder.build([folder], out, NOW), args.repeat)
        rows.append(("warm rebuild of the folder (--every)", t,
                     f"changed={warm.changed}, {len(warm.items)} items"))

        limited = FeedSettings(title="Example News", link=LINK, limit=50)
        t, _ = timed(lambda: FeedBuilder(limited).build(articles, out.with_name("top.xml"), NOW),
                     args.repeat)
        rows.append(("--limit 50 build from loaded articles", t, "renders 50 items"))
        for extra in ([], ["--limit", "50"]):
            command = [sys.executable, "-m", "exporter", "feed", str(folder), "-o",
                       str(out.with_name("cli.xml")), "--title", "T", "--link", LINK,
                       "--now", NOW.isoformat(), "-q", *extra]
            t, _ = timed(lambda c=command: subprocess.run(c, check=True), args.repeat)
            rows.append((f"`exporter feed` process{' --limit 50' if extra else ''}", t,
                         "start-up + read all + build (a cron run)"))

        print(f"\nexporter feed benchmark: {args.n} articles, median of {args.repeat}\n")
        print(f"{'measurement':<42}{'wall s':>8}{'CPU s':>8}   notes")
        print("-" * 88)
        for name, (wall, cpu), note in rows:
            print(f"{name:<42}{wall:>8.3f}{cpu:>8.3f}   {note}")

        # memory across repeated builds
        tracemalloc.start()
        warm_sizes = []
        for _ in range(10):
            builder.build([folder], out, NOW)
            gc.collect()
            warm_sizes.append(tracemalloc.get_traced_memory()[0] / 1e6)
        cold_sizes = []
        for _ in range(5):
            build_feed(articles, out, title="Example News", link=LINK, now=NOW)
            gc.collect()
            cold_sizes.append(tracemalloc.get_traced_memory()[0] / 1e6)
        tracemalloc.stop()
        print("\nmemory held after each build (tracemalloc, MB; builder and articles stay alive)")
        print("  warm rebuilds 1..10:   " + " ".join(f"{m:.1f}" for m in warm_sizes))
        print("  cold build_feed 1..5:  " + " ".join(f"{m:.1f}" for m in cold_sizes))
        print(f"  growth, warm 2->10: {warm_sizes[-1] - warm_sizes[1]:+.2f} MB; "
              f"cold 2->5: {cold_sizes[-1] - cold_sizes[1]:+.2f} MB")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak RSS of the process: {peak:.0f} MB\n")


if __name__ == "__main__":
    main()
