#!/usr/bin/env python
"""DOCX speed: the exporter writer against a minimal python-docx script, same content.

    python bench/bench_docx.py [-n 40] [ARTICLE.json ...]   # default: the test fixtures

Both run in this process, warm, alternating, on the same article; the table
shows the median per article and the ratio (target: writer <= 1.2x baseline).
The baseline writes the same paragraphs, runs, pictures (at text width) and
captions with python-docx's public API and its default template, and saves to
memory -- no hyperlinks, fields, alt text, metadata or reproducible ZIP,
which is the work the writer adds.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exporter import load  # noqa: E402
from exporter.api import writer  # noqa: E402
from exporter.rendering import (  # noqa: E402
    attribution_text,
    byline_text,
    caption_text,
    format_date,
    inline_text,
    sorted_corrections,
)
from exporter.resources import load_article_images  # noqa: E402
from exporter.writers import WriteOptions  # noqa: E402


def baseline(article, options: WriteOptions, template: bytes | None = None) -> bytes:
    """What a hand-written python-docx script would do for the same article."""
    from docx import Document
    from docx.shared import Cm

    images = load_article_images(article, options.gate(article))
    doc = Document(io.BytesIO(template) if template else None)

    def runs(p, content, bold=False, italic=False):
        if isinstance(content, str):
            r = p.add_run(content)
            r.bold, r.italic = bold or None, italic or None
            return
        for node in content:
            if isinstance(node, str):
                runs(p, node, bold, italic)
            elif node.type == "break":
                p.add_run().add_break()
            else:
                runs(p, node.content, bold or node.type == "strong", italic or node.type == "em")

    def picture(image):
        info = images[image.src]
        doc.add_picture(io.BytesIO(info.resource.data), width=Cm(15.6))
        doc.add_paragraph(caption_text(image), style="Caption")

    if article.section:
        doc.add_paragraph(article.section)
    doc.add_paragraph(article.headline, style="Title")
    if article.standfirst:
        doc.add_paragraph(article.standfirst)
    if article.bylines:
        doc.add_paragraph(byline_text(article.bylines))
    if article.published:
        doc.add_paragraph(format_date(article.published, article.language))
    if article.lead_image:
        picture(article.lead_image)
    if article.dateline:
        doc.add_paragraph(article.dateline)
    for block in article.body:
        if block.type == "paragraph":
            runs(doc.add_paragraph(), block.content)
        elif block.type == "heading":
            doc.add_heading(inline_text(block.content), level=block.level)
        elif block.type == "quote":
            runs(doc.add_paragraph(style="Quote"), block.content)
            if block.attribution:
                doc.add_paragraph(attribution_text(block.attribution))
        elif block.type == "figure":
            picture(block.image)
        elif block.type == "list":
            style = "List Number" if block.ordered else "List Bullet"
            for item in block.items:
                runs(doc.add_paragraph(style=style), item)
    for c in sorted_corrections(article.corrections):
        doc.add_paragraph(f"{format_date(c.date, article.language)}: {c.text}")
    doc.core_properties.title = article.headline
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def baseline_reference(article, options: WriteOptions) -> bytes:
    """The same script starting from our (smaller) reference.docx instead of python-docx's
    default template: the fair comparison of the per-article work."""
    return baseline(article, options, REFERENCE)


REFERENCE = (ROOT / "styles" / "reference.docx").read_bytes()


def exporter_docx(article, options: WriteOptions) -> bytes:
    out = io.BytesIO()
    writer("docx").write([article], out, options)
    return out.getvalue()


def median_ms(fn, article, options, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn(article, options)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=40, help="runs per article and method")
    parser.add_argument("articles", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.articles or sorted((ROOT / "examples").glob("*/article.json"))
    options = WriteOptions()
    header = f"{'article':<14} {'writer':>7} {'script':>7} {'ratio':>6} {'script+ref':>10} {'ratio':>6}"
    print(header + "   (median ms per article)")
    ratios: dict[str, list[float]] = {"default": [], "reference": []}
    methods = (exporter_docx, baseline, baseline_reference)
    for path in paths:
        article = load(path)
        for fn in methods:  # warm up: imports, caches
            fn(article, options)
        runs: dict[object, list[float]] = {fn: [] for fn in methods}
        for _ in range(3):  # interleave, so machine noise hits all alike
            for fn in methods:
                runs[fn].append(median_ms(fn, article, options, max(args.n // 3, 1)))
        ours, plain, ref = (statistics.median(runs[fn]) for fn in methods)
        ratios["default"].append(ours / plain)
        ratios["reference"].append(ours / ref)
        print(f"{path.parent.name[:14]:<14} {ours:>7.1f} {plain:>7.1f} {ours / plain:>6.2f} "
              f"{ref:>10.1f} {ours / ref:>6.2f}")
    print(f"{'median ratio':<14} {'':>7} {'':>7} {statistics.median(ratios['default']):>6.2f} "
          f"{'':>10} {statistics.median(ratios['reference']):>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
