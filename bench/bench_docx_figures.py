"""How DOCX render time grows with the number of figures (issue 15, item 15).

Not a test: timings depend on the machine. Prints one row per figure count
with the median of a few renders and the ratio to the previous row, for
figures that all show one picture and for figures each with its own; with
the counts doubling, a ratio near 2 means linear time, near 4 quadratic.
Before the fix (python-docx scanning every id, image part and relationship
once per picture) the ratios were about 4-6: 0.8, 2.9, 18 and 96 s for
500..4000 figures.

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


def article_with_figures(folder: Path, count: int, distinct: bool) -> Article:
    """``count`` paragraph + figure pairs: one shared PNG, or a different PNG each."""
    body: list[dict[str, object]] = []
    for i in range(count):
        name = f"p{i}.png" if distinct else "p.png"
        if not (folder / name).exists():
            PILImage.new("RGB", (8, 8), (i % 256, i // 256 % 256, 7)).save(folder / name)
        body.append({"type": "paragraph", "content": f"Paragraph {i}."})
        body.append({"type": "figure",
                     "image": {"src": name, "alt": f"Picture {i}", "caption": f"Caption {i}"}})
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
    print(f"{'figures':>8} {'one picture s':>14} {'ratio':>6} {'distinct s':>11} {'ratio':>6}")
    previous: tuple[float, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.counts:
            row = tuple(render_seconds(article_with_figures(Path(tmp), count, distinct), args.runs)
                        for distinct in (False, True))
            ratios = [f"{now / before:6.2f}" if previous else f"{'':>6}"
                      for now, before in zip(row, previous or row, strict=True)]
            print(f"{count:>8} {row[0]:>14.3f} {ratios[0]} {row[1]:>11.3f} {ratios[1]}", flush=True)
            previous = row  # type: ignore[assignment]


if __name__ == "__main__":
    main()
