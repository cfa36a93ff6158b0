"""Batch export benchmark: the exporter against the loop a user would write by hand.

Run by hand (not a test)::

    python bench/bench_batch.py [-n 120] [--feed-items 10000] [--keep DIR]

It generates N distinct articles from the three fixtures (headline, id and
body varied; the fixtures' pictures), then times, in this one run:

- ``exporter export -f pdf,docx,epub,rss --jobs 1`` (in-process) and ``--jobs 2``
  (two worker processes), as subprocesses, start-up included;
- the hand-written sequential loop: one Python process calling WeasyPrint,
  python-docx, EbookLib and feedgen directly on the same HTML / content
  (the exporter's own rendering of each article), reusing one WeasyPrint
  ``FontConfiguration`` and one parsed stylesheet, as the WeasyPrint docs advise;
- pandoc (DOCX and EPUB, one process per file) on the same articles as
  Markdown, when ``pandoc`` is on PATH;
- an unchanged re-run (everything skipped), ``exporter --help`` cold start
  (the interpreter called directly, no pyenv shim), a 10,000-item feed
  (``exporter feed``), and the peak RSS of the largest process of each run.

Medians of repeated runs where they are cheap (re-run, --help); the batch
runs once each (``--rounds R`` for medians of R). Ratios are against the
hand-written loop measured in the same run. Finally every output of the
--jobs 2 run is read back (pypdf, python-docx, zipfile + lxml, feedparser).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "examples"
FIXTURE_NAMES = ("deconflict", "tram-line", "rtl-arabic")
FORMATS = ("pdf", "docx", "epub", "rss")
PYTHON = os.path.realpath(sys.executable)  # the interpreter itself, not a pyenv shim


# --- inputs ------------------------------------------------------------------------


def make_corpus(folder: Path, count: int) -> list[Path]:
    """``count`` distinct canonical JSON articles (and their pictures) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    bases = {}
    for name in FIXTURE_NAMES:
        src = FIXTURES / name
        bases[name] = json.loads((src / "article.json").read_text(encoding="utf-8"))
        for image in src.iterdir():
            if image.suffix.lower() in (".jpg", ".jpeg", ".png"):
                shutil.copy(image, folder / image.name)
    paths = []
    for i in range(count):
        name = FIXTURE_NAMES[i % len(FIXTURE_NAMES)]
        doc = copy.deepcopy(bases[name])
        doc["id"] = f"{name}-{i:04d}"
        doc["headline"] = f"{doc['headline']} ({i + 1})"
        body = doc.get("body", [])
        shift = i % max(1, len(body))
        doc["body"] = [{"type": "paragraph", "content": f"Bulletin {i + 1}."},
                       *body[shift:], *body[:shift]]
        path = folder / f"{doc['id']}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def make_markdown(paths: list[Path], folder: Path) -> list[Path]:
    """The same articles as pandoc Markdown (pictures copied next to them)."""
    from exporter import load
    from exporter.model import Figure, Heading, ListBlock, Paragraph, Quote
    from exporter.rendering import attribution_text, byline_text, caption_text, inline_text

    folder.mkdir(parents=True, exist_ok=True)
    for image in paths[0].parent.iterdir():
        if image.suffix.lower() in (".jpg", ".jpeg", ".png"):
            shutil.copy(image, folder / image.name)
    out = []
    for path in paths:
        a = load(path)
        lines = ["---", f"title: {json.dumps(a.headline, ensure_ascii=False)}",
                 f"lang: {a.language}"]
        if a.bylines:
            lines.append("author:")
            lines += [f"  - {json.dumps(p.name, ensure_ascii=False)}" for p in a.bylines]
        lines += ["---", ""]
        if a.standfirst:
            lines += [f"*{a.standfirst}*", ""]
        if a.bylines:
            lines += [byline_text(a.bylines), ""]
        images = [a.lead_image] if a.lead_image else []
        for image in images:
            lines += [f"![{caption_text(image)}]({image.src})", ""]
        for block in a.body:
            if isinstance(block, Paragraph):
                lines += [inline_text(block.content), ""]
            elif isinstance(block, Heading):
                lines += ["#" * block.level + " " + inline_text(block.content), ""]
            elif isinstance(block, Quote):
                lines += ["> " + inline_text(block.content)]
                if block.attribution:
                    lines += [">", "> — " + attribution_text(block.attribution)]
                lines += [""]
            elif isinstance(block, Figure):
                lines += [f"![{caption_text(block.image)}]({block.image.src})", ""]
            elif isinstance(block, ListBlock):
                mark = "1." if block.ordered else "-"
                lines += [f"{mark} {inline_text(item)}" for item in block.items] + [""]
        target = folder / f"{a.id}.md"
        target.write_text("\n".join(lines), encoding="utf-8")
        out.append(target)
    return out


def make_feed_corpus(folder: Path, count: int) -> None:
    base = json.loads((FIXTURES / "deconflict" / "article.json").read_text(encoding="utf-8"))
    base.pop("lead_image", None)
    base["body"] = [b for b in base.get("body", []) if b.get("type") != "figure"][:4]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        published = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00+00:00"
        doc = dict(base, id=f"item-{i:05d}", headline=f"{base['headline']} ({i})",
                   published=published)
        doc.pop("updated", None)
        doc.pop("embargo", None)
        (folder / f"item-{i:05d}.json").write_text(json.dumps(doc), encoding="utf-8")


# --- the hand-written loop (runs in its own process: python bench_batch.py --baseline) ---


def baseline(src: Path, out: Path) -> dict:
    """What a user would write: the four libraries, sequentially, on the same content."""
    started = time.perf_counter()
    import docx
    import ebooklib
    from docx.shared import Inches
    from ebooklib import epub
    from feedgen.feed import FeedGenerator
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from exporter import load
    from exporter.model import Figure, Heading, ListBlock, Paragraph, Quote
    from exporter.rendering import (
        attribution_text,
        byline_text,
        caption_text,
        inline_text,
    )
    from exporter.writers import WriteOptions

    imports = time.perf_counter() - started
    out.mkdir(parents=True, exist_ok=True)
    options = WriteOptions()
    renderer, style = options.renderer, options.style
    font_config = FontConfiguration()
    print_css = CSS(string=style.read_text("print.css"), font_config=font_config)
    times: dict[str, list[float]] = {f: [] for f in FORMATS}

    for path in sorted(src.glob("*.json")):
        a = load(path)
        folder = path.parent

        t = time.perf_counter()  # PDF: WeasyPrint on the exporter's own page HTML
        page = renderer.page_html(a, lambda image, folder=folder: (folder / image.src).as_uri())
        HTML(string=page, base_url=str(folder)).write_pdf(
            out / f"{a.id}.pdf", stylesheets=[print_css], font_config=font_config)
        times["pdf"].append(time.perf_counter() - t)

        t = time.perf_counter()  # DOCX: python-docx, built from the same content
        d = docx.Document()
        d.core_properties.title = a.headline
        d.core_properties.author = ", ".join(p.name for p in a.bylines)
        d.add_heading(a.headline, 0)
        if a.standfirst:
            d.add_paragraph(a.standfirst, style="Subtitle")
        if a.bylines:
            d.add_paragraph(byline_text(a.bylines))
        pictures = [a.lead_image] if a.lead_image else []
        for image in pictures:
            d.add_picture(str(folder / image.src), width=Inches(6))
            d.add_paragraph(caption_text(image), style="Caption")
        for block in a.body:
            if isinstance(block, Paragraph):
                d.add_paragraph(inline_text(block.content))
            elif isinstance(block, Heading):
                d.add_heading(inline_text(block.content), block.level)
            elif isinstance(block, Quote):
                d.add_paragraph(inline_text(block.content), style="Quote")
                if block.attribution:
                    d.add_paragraph(attribution_text(block.attribution))
            elif isinstance(block, Figure):
                d.add_picture(str(folder / block.image.src), width=Inches(6))
                d.add_paragraph(caption_text(block.image), style="Caption")
            elif isinstance(block, ListBlock):
                kind = "List Number" if block.ordered else "List Bullet"
                for item in block.items:
                    d.add_paragraph(inline_text(item), style=kind)
        d.save(out / f"{a.id}.docx")
        times["docx"].append(time.perf_counter() - t)

        t = time.perf_counter()  # EPUB: EbookLib with the exporter's article HTML
        book = epub.EpubBook()
        book.set_identifier(f"urn:example:{a.id}")
        book.set_title(a.headline)
        book.set_language(a.language)
        for person in a.bylines:
            book.add_author(person.name)
        used = {}
        for image in a.images():
            used[image.src] = f"images/{Path(image.src).name}"
            book.add_item(epub.EpubItem(uid=f"img{len(used)}", file_name=used[image.src],
                                        media_type="image/png" if image.src.endswith(".png")
                                        else "image/jpeg",
                                        content=(folder / image.src).read_bytes()))
        chapter = epub.EpubHtml(title=a.headline, file_name="article.xhtml", lang=a.language)
        chapter.content = renderer.article_html(a, lambda image, used=used: used.get(image.src))
        book.add_item(chapter)
        book.toc = [chapter]
        book.add_item(epub.EpubNcx())
        book.add_item(epub.EpubNav())
        book.spine = ["nav", chapter]
        epub.write_epub(str(out / f"{a.id}.epub"), book, {})
        times["epub"].append(time.perf_counter() - t)

        t = time.perf_counter()  # RSS: feedgen, one-item feed
        fg = FeedGenerator()
        fg.title(a.headline)
        fg.link(href=a.url or f"https://example.org/{a.id}")
        fg.description(a.standfirst or a.headline)
        fg.language(a.language)
        entry = fg.add_entry()
        entry.title(a.headline)
        entry.guid(a.url or f"urn:example:{a.id}", permalink=bool(a.url))
        entry.link(href=a.url or f"https://example.org/{a.id}")
        if a.published:
            entry.pubDate(a.published)
        entry.description(a.standfirst or "")
        entry.content(renderer.article_html(a, lambda image: None), type="CDATA")
        for person in a.bylines:
            entry.author(name=person.name, email="news@example.org")
        fg.rss_file(str(out / f"{a.id}.rss"))
        times["rss"].append(time.perf_counter() - t)
    del ebooklib
    return {"imports": imports, "times": times}


# --- measuring -----------------------------------------------------------------------


def _burn(n: int) -> float:
    started = time.perf_counter()
    total = 0
    for i in range(n):
        total += i * i
    return time.perf_counter() - started


def parallel_capacity(n: int = 10_000_000) -> float:
    """How much faster two CPU-bound processes finish than one after the other, right now.

    2.0 on two free cores; about 1.0 when other work already fills the machine.
    """
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_burn, [1000, 1000])  # start-up out of the way
        one = sum(pool.map(_burn, [n]))
        started = time.perf_counter()
        pool.map(_burn, [n, n])
        two = time.perf_counter() - started
    return 2 * one / two


def measure(cmd: list[str], env: dict | None = None) -> dict:
    """Run ``cmd``; wall seconds, exit status, stdout, and the peak RSS (MiB) of its tree."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"seconds": wall, "code": proc.returncode, "stdout": out.read().decode(),
                "stderr": err.read().decode(), "rss_mib": usage.ru_maxrss / 1024,
                "cpu": usage.ru_utime + usage.ru_stime}


def exporter_cmd(*args: str) -> list[str]:
    return [PYTHON, "-m", "exporter", *args]


def median_of(rounds: int, fn) -> tuple[float, list[dict]]:
    runs = [fn() for _ in range(rounds)]
    return statistics.median(r["seconds"] for r in runs), runs


def check_outputs(out: Path, ids: list[str]) -> list[str]:
    """Read every output back with an independent reader; returns the problems."""
    import zipfile

    import docx
    import feedparser
    from lxml import etree
    from pypdf import PdfReader

    problems = []
    for i in ids:
        for fmt in FORMATS:
            path = out / f"{i}.{fmt}"
            try:
                if fmt == "pdf":
                    assert len(PdfReader(path).pages) >= 1
                elif fmt == "docx":
                    assert docx.Document(str(path)).paragraphs
                elif fmt == "epub":
                    with zipfile.ZipFile(path) as z:
                        assert z.namelist()[0] == "mimetype" and z.read("mimetype") == \
                            b"application/epub+zip"
                        container = etree.fromstring(z.read("META-INF/container.xml"))
                        opf = container.find(".//{*}rootfile").get("full-path")
                        etree.fromstring(z.read(opf))
                elif fmt == "rss":
                    feed = feedparser.parse(path.read_bytes())
                    assert not feed.bozo and len(feed.entries) == 1 and feed.entries[0].get("id")
            except Exception as exc:
                problems.append(f"{path.name}: {type(exc).__name__}: {exc}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--articles", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each batch (median)")
    parser.add_argument("--feed-items", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--baseline", nargs=2, type=Path, metavar=("SRC", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        print(json.dumps(baseline(*args.baseline)))
        return 0

    work = args.keep or Path(tempfile.mkdtemp(prefix="exporter-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "articles"
    shutil.rmtree(src, ignore_errors=True)
    paths = make_corpus(src, args.articles)
    ids = [p.stem for p in paths]
    md = make_markdown(paths, work / "markdown")
    fmt = ",".join(FORMATS)
    n, files = len(paths), len(paths) * len(FORMATS)
    rows: list[tuple[str, ...]] = []  # what, seconds, per file, vs loop, CPU s, RSS
    load_before = os.getloadavg()[0]
    capacity_before = parallel_capacity()
    print(f"{n} articles x {len(FORMATS)} formats = {files} files; work folder {work}",
          file=sys.stderr)

    def fresh(name: str) -> Path:
        path = work / name
        shutil.rmtree(path, ignore_errors=True)
        return path

    # The hand-written loop first (it is the reference for every ratio).
    def run_loop() -> dict:
        result = measure([PYTHON, __file__, "--baseline", str(src), str(fresh("loop"))])
        result.update(json.loads(result["stdout"]))
        return result

    loop_s, loop_runs = median_of(args.rounds, run_loop)
    loop = loop_runs[-1]
    assert loop["code"] == 0, loop["stderr"]

    def run_exporter(name: str, *extra: str) -> dict:
        out = fresh(name)
        result = measure(exporter_cmd("export", str(src), "-f", fmt, "-o", str(out), "--json", *extra))
        assert result["code"] == 0, result["stderr"][-2000:]
        result["summary"] = json.loads(result["stdout"])
        assert result["summary"]["counts"]["written"] == files, result["summary"]["counts"]
        return result

    j1_s, j1_runs = median_of(args.rounds, lambda: run_exporter("jobs1", "--jobs", "1",
                                                                "--timeout", "0"))
    j2_s, j2_runs = median_of(args.rounds, lambda: run_exporter("jobs2", "--jobs", "2"))
    out2 = work / "jobs2"

    def rerun() -> dict:
        result = measure(exporter_cmd("export", str(src), "-f", fmt, "-o", str(out2), "--json"))
        summary = json.loads(result["stdout"])
        assert summary["counts"] == {"written": 0, "skipped": files, "failed": 0}, summary
        return result

    re_s, re_runs = median_of(5, rerun)

    def row(what: str, seconds: float, run: dict, count: int = files) -> None:
        rows.append((what, f"{seconds:.2f}", f"{1000 * seconds / count:.1f}",
                     f"{seconds / loop_s:.2f}x", f"{run['cpu']:.1f}", f"{run['rss_mib']:.0f}"))

    row("hand-written loop (WeasyPrint, python-docx, EbookLib, feedgen)", loop_s, loop)
    row("exporter --jobs 1 (in-process)", j1_s, j1_runs[-1])
    row("exporter --jobs 2 (2 worker processes)", j2_s, j2_runs[-1])
    row("exporter unchanged re-run (median of 5)", re_s, re_runs[-1])

    pandoc = shutil.which("pandoc")
    if pandoc:
        pout = fresh("pandoc")
        pout.mkdir()
        started = time.perf_counter()
        for path in md:
            for ext in ("docx", "epub"):
                subprocess.run([pandoc, path.name, "-o", str(pout / f"{path.stem}.{ext}")],
                               cwd=path.parent, check=True, capture_output=True)
        pandoc_s = time.perf_counter() - started
        rows.append(("pandoc DOCX+EPUB from Markdown (one process per file)",
                     f"{pandoc_s:.2f}", f"{1000 * pandoc_s / (2 * n):.1f}",
                     f"{pandoc_s / sum(sum(loop['times'][f]) for f in ('docx', 'epub')):.2f}x"
                     " of loop's docx+epub", "-", "-"))
    else:
        rows.append(("pandoc", "not on PATH", "-", "-", "-", "-"))

    help_s, _ = median_of(15, lambda: measure(exporter_cmd("--help")))
    bare_s, _ = median_of(15, lambda: measure([PYTHON, "-c", "pass"]))

    feed_row: tuple[str, ...] = ("10,000-item feed", "exporter.feed missing", "-", "-", "-", "-")
    import importlib.util

    if importlib.util.find_spec("exporter.feed") is not None:
        feed_src = work / "feed-articles"
        if not feed_src.is_dir() or len(list(feed_src.glob("*.json"))) != args.feed_items:
            shutil.rmtree(feed_src, ignore_errors=True)
            make_feed_corpus(feed_src, args.feed_items)
        feed_out = fresh("feed") / "feed.xml"
        result = measure(exporter_cmd("feed", str(feed_src), "-o", str(feed_out), "--title", "Bench",
                                  "--link", "https://example.org/", "-q",
                                  "--now", "2027-01-01T00:00:00+00:00"))
        items = feed_out.read_bytes().count(b"<item>") if feed_out.is_file() else 0
        feed_row = (f"exporter feed, {args.feed_items:,} items ({items:,} in the file)",
                    f"{result['seconds']:.2f}" if result["code"] == 0 else
                    f"exit {result['code']}", f"{1000 * result['seconds'] / args.feed_items:.2f}",
                    "-", f"{result['cpu']:.1f}", f"{result['rss_mib']:.0f}")
    rows.append(feed_row)

    problems = check_outputs(out2, ids)

    # Per-article medians, in-process: the exporter's writers vs the raw libraries.
    per = []
    inproc = j1_runs[-1]["summary"]["render_seconds"]
    for f in FORMATS:
        raw = statistics.median(loop["times"][f])
        mine = inproc[f]["median"]
        per.append((f, f"{1000 * mine:.1f}", f"{1000 * raw:.1f}", f"{mine / raw:.2f}x"))

    head = ("what", "wall s", "ms/file", "vs loop", "CPU s", "peak RSS MiB")
    widths = [max(len(r[i]) for r in [*rows, head]) for i in range(len(head))]
    print(f"\n{n} articles x {len(FORMATS)} formats ({files} files), {os.cpu_count()} CPUs, "
          f"python {sys.version.split()[0]}, load average {load_before:.1f} at start, "
          f"{os.getloadavg()[0]:.1f} at end\n")
    print(" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print("\nper article, in-process median ms: format | exporter writer | raw library | ratio")
    for r in per:
        print("  " + " | ".join(r))
    print(f"\nexporter --help cold start: {1000 * help_s:.0f} ms median of 15 "
          f"(python -c pass: {1000 * bare_s:.0f} ms)")
    print(f"loop's library imports: {loop['imports']:.2f} s")
    j1, j2 = j1_runs[-1], j2_runs[-1]
    capacity = (capacity_before + parallel_capacity()) / 2
    print(f"parallel capacity of the machine (2 busy processes vs 1, before/after): "
          f"{capacity:.2f}x of 2.00x possible; --jobs 1 wall / capacity = "
          f"{j1_s / capacity / loop_s:.2f}x of the loop is the best --jobs 2 could do now")
    print(f"CPUs actually used (CPU s / wall s): loop {loop['cpu'] / loop['seconds']:.2f}, "
          f"--jobs 1 {j1['cpu'] / j1['seconds']:.2f}, --jobs 2 {j2['cpu'] / j2['seconds']:.2f} "
          "(a --jobs 2 figure well under 2 means the machine was busy: the wall-clock "
          "ratio then says little)")
    print(f"CPU cost of the pool: --jobs 2 used {j2['cpu'] / j1['cpu']:.2f}x the CPU seconds "
          f"of --jobs 1 (worker start-up, warm-up render, IPC)")
    print("\ntargets:")
    print(f"  --jobs 2 <= 0.5x loop: {j2_s / loop_s:.2f}x "
          f"{'MET' if j2_s <= 0.5 * loop_s else 'NOT MET'}")
    print(f"  unchanged re-run <= 2% of first run: {100 * re_s / j2_s:.1f}% "
          f"{'MET' if re_s <= 0.02 * j2_s else 'NOT MET'}")
    print(f"  --help <= 100 ms: {1000 * help_s:.0f} ms {'MET' if help_s <= 0.1 else 'NOT MET'}")
    valid = files - len(problems)
    print(f"  {files} files present and valid: {valid}/{files} "
          f"{'MET' if not problems else 'NOT MET'}")
    for p in problems[:10]:
        print("    " + p)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
