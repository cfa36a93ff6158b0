"""PDF writer overhead versus a bare WeasyPrint render of the same HTML.

Run by hand (not a test): ``python bench/bench_pdf.py [ROUNDS] [--wall]``
(CPU time of the process by default; ``--wall`` for elapsed time).

For every fixture it builds the exact HTML the writer renders, then times,
interleaved in one warm process with the same ``FontConfiguration`` and the
same parsed stylesheet:

- ``writer``: ``PdfWriter.write`` (gate checks, pictures read and verified,
  HTML rendering, metadata, sandboxed fetcher, glyph report, tagging);
- ``bare``: ``weasyprint.HTML(string=html, base_url=...).write_pdf(
  font_config=same, stylesheets=[same css])`` with WeasyPrint's defaults;
- ``bare+ua``: the same with ``pdf_variant="pdf/ua-1"``, the tagging the
  writer asks for (tagging is WeasyPrint's work, not the writer's overhead).

The three run interleaved, in a rotating order, after a garbage collection,
so machine noise and order effects fall on all of them alike. It prints
per-article medians and the ratios writer/bare and writer/bare+ua.
Target: writer <= 1.1x bare in a batch.
"""

from __future__ import annotations

import gc
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "examples"


def main(rounds: int = 15, wall: bool = False) -> None:
    # CPU time of this process by default: WeasyPrint is single-threaded, and
    # on a shared machine wall time mostly measures the neighbours.
    clock = time.perf_counter if wall else time.process_time
    import weasyprint
    from weasyprint.urls import path2url

    from exporter import load
    from exporter.writers import WriteOptions
    from exporter.writers.pdf import PdfWriter

    writer = PdfWriter()
    options = WriteOptions()
    articles = [load(p / "article.json") for p in sorted(FIXTURES.iterdir())
                if (p / "article.json").is_file()]
    css = writer.stylesheet(options)
    font_config = writer.font_config()
    pages = {a.id: options.renderer.page_html(a, css="") for a in articles}

    def run_writer(article) -> None:
        writer.write([article], io.BytesIO(), options)

    def run_bare(article, **extra) -> None:
        weasyprint.HTML(string=pages[article.id], base_url=path2url(str(article.base_dir) + "/")
                        ).write_pdf(font_config=font_config, stylesheets=[css], **extra)

    variants = {
        "writer": run_writer,
        "bare": run_bare,
        "bare+ua": lambda a: run_bare(a, pdf_variant="pdf/ua-1"),
    }
    # warm up: first renders pay for font loading and caches
    for article in articles:
        for fn in variants.values():
            fn(article)

    times: dict[tuple[str, str], list[float]] = {}
    names = list(variants)
    for round_ in range(rounds):
        for article in articles:
            # rotate the order every round: whichever runs first after another
            # article pays for cache and garbage-collector effects
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                gc.collect()
                start = clock()
                variants[name](article)
                times.setdefault((article.id, name), []).append(clock() - start)

    kind = "wall" if wall else "CPU"
    print(f"PDF per-article median {kind} time over {rounds} rounds (ms), "
          f"weasyprint {weasyprint.__version__}")
    print(f"{'article':<52} {'writer':>8} {'bare':>8} {'bare+ua':>8} {'w/bare':>7} {'w/ua':>6}")
    totals = {name: 0.0 for name in variants}
    for article in articles:
        med = {name: statistics.median(times[(article.id, name)]) * 1000 for name in variants}
        for name in variants:
            totals[name] += med[name]
        print(f"{article.id[:52]:<52} {med['writer']:8.1f} {med['bare']:8.1f} {med['bare+ua']:8.1f} "
              f"{med['writer'] / med['bare']:7.2f} {med['writer'] / med['bare+ua']:6.2f}")
    print(f"{'all (sum of medians)':<52} {totals['writer']:8.1f} {totals['bare']:8.1f} "
          f"{totals['bare+ua']:8.1f} {totals['writer'] / totals['bare']:7.2f} "
          f"{totals['writer'] / totals['bare+ua']:6.2f}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--wall"]
    main(int(args[0]) if args else 15, wall="--wall" in sys.argv)
