"""How DOCX render time grows with the number of figures (issue 15, item 15).

Not a test: timings depend on the machine. Prints one row per figure count
with the median of a few renders and the ratio to the previous row; with
the counts doubling, a ratio near 2 means linear time, near 4 quadratic.
Before the fix (python-docx scanning every id once per picture) the ratios
were about 4-6: 0.8, 2.9, 18 and 96 s for 500..4000 figures.

    .venv/bin/python bench/bench_docx_figures.py [--runs 3] [250 500 1000 2000]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

from PIL import Image as PILImage

from exporter.api import writer
from exporter.model import Article
from exporter.writers import WriteOptions


def article_with_figures(folder: Path, count: int) -> Article:
    """An article of ``count`` paragraph + figure pairs, all showing one small PNG."""
    PILImage.new("RGB", (40, 30), (200, 30, 30)).save(folder / "p.png")
    body: list[dict[str, object]] = []
    for i in range(count):
        body.append({"type": "paragraph", "content": f"Paragraph {i}."})
        body.append({"type": "figure",
                     "image": {"src": "p.png", "alt": f"Picture {i}", "caption": f"Caption {i}"}})
    return Article.from_data({"headline": "Figures", "body": body}, folder / "figures.json")


def render_seconds(article: Article, runs: int) -> float:
    """Median wall time of ``runs`` DOCX renders into memory."""
    docx = writer("docx")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        docx.write([article], io.BytesIO(), WriteOptions())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[250, 500, 1000, 2000])
    parser.add_argument("--runs", type=int, default=3, help="renders per count (median)")
    args = parser.parse_args()
    writer("docx")  # load the registry and the writer outside the timings
    print(f"{'figures':>8} {'median s':>10} {'ratio':>7}")
    previous: float | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.counts:
            seconds = render_seconds(article_with_figures(Path(tmp), count), args.runs)
            ratio = f"{seconds / previous:7.2f}" if previous else f"{'':>7}"
            print(f"{count:>8} {seconds:>10.3f} {ratio}", flush=True)
            previous = seconds


if __name__ == "__main__":
    main()
