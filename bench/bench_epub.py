"""EPUB writer overhead versus a minimal hand-written ebooklib script on the same HTML.

Run by hand (not a test): ``python bench/bench_epub.py [ROUNDS]``.

For every fixture (and for an edition of all of them) it times, interleaved
in one warm process:

- ``writer``: ``EpubWriter.write`` -- the whole job: pictures read through
  the resource gate and checked with Pillow, the shared HTML rendered, XHTML
  checked well-formed, nav, metadata, accessibility metadata, ebooklib,
  ZIP normalisation;
- ``minimal``: the ebooklib script anyone would write first, given the
  article HTML already rendered and the picture bytes already read:
  ``EpubBook`` + title/language/authors + one ``EpubHtml`` per article +
  images + CSS + ``EpubNcx``/``EpubNav`` + ``write_epub`` into a BytesIO;
- ``render``: the shared rendering alone (``Renderer.article_html``), the
  part of ``writer`` that ``minimal`` is handed for free.

It prints per-book medians (and minima, which other load on a shared machine
disturbs least) and the ratio writer/minimal. Target: <= 1.2x.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "examples"


def main(rounds: int = 30) -> None:
    import ebooklib
    from ebooklib import epub

    from exporter import load
    from exporter.resources import load_article_images
    from exporter.writers import WriteOptions
    from exporter.writers.epub import EpubWriter

    writer = EpubWriter()
    options = WriteOptions(title="Edition")
    articles = [load(p / "article.json") for p in sorted(FIXTURES.iterdir())
                if (p / "article.json").is_file()]
    css = options.style.read_text("epub.css").encode()
    books = {a.id: [a] for a in articles}
    books["edition (all fixtures)"] = articles

    prepared = {}  # the same HTML and picture bytes the writer produces, made once
    for article in articles:
        loaded = load_article_images(article, options.gate(article))
        pictures = {src: (f"images/{n}{info.extension}", info.media_type, info.resource.data)
                    for n, (src, info) in enumerate(loaded.items())}
        html = options.renderer.article_html(article, lambda im, p=pictures: p[im.src][0])
        prepared[article.id] = (html, list(pictures.values()))

    def run_writer(group) -> None:
        writer.write(group, io.BytesIO(), options)

    def run_minimal(group) -> None:
        book = epub.EpubBook()
        book.set_identifier(group[0].id)
        book.set_title(group[0].headline)
        book.set_language(group[0].language)
        for person in (p for a in group for p in a.bylines):
            book.add_author(person.name)
        style = epub.EpubItem(uid="style", file_name="style/epub.css", media_type="text/css",
                              content=css)
        book.add_item(style)
        chapters = []
        for n, article in enumerate(group):
            html, pictures = prepared[article.id]
            for href, media_type, data in pictures:
                book.add_item(epub.EpubImage(uid=f"i{n}-{href}", file_name=f"{n}/{href}",
                                             media_type=media_type, content=data))
            chapter = epub.EpubHtml(title=article.headline, file_name=f"{n}/article.xhtml",
                                    lang=article.language, content=html)
            chapter.add_item(style)
            book.add_item(chapter)
            chapters.append(chapter)
        book.toc = chapters
        book.add_item(epub.EpubNcx())
        book.add_item(epub.EpubNav())
        book.spine = ["nav", *chapters]
        epub.write_epub(io.BytesIO(), book, {"raise_exceptions": True})

    def run_render(group) -> None:
        for article in group:
            options.renderer.article_html(article, lambda im: "images/x.jpg")

    variants = {"writer": run_writer, "minimal": run_minimal, "render": run_render}
    for group in books.values():  # warm up
        for fn in variants.values():
            fn(group)

    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):
        for name, group in books.items():
            for variant, fn in variants.items():
                start = time.perf_counter()
                fn(group)
                times.setdefault((name, variant), []).append(time.perf_counter() - start)

    print(f"EPUB per book over {rounds} rounds (ms), ebooklib "
          f"{'.'.join(map(str, ebooklib.VERSION))}; median, and min (least disturbed by "
          "other load on the machine)")
    print(f"{'book':<34} {'writer':>7} {'minimal':>8} {'render':>7} {'w/min':>6}   "
          f"{'writer':>7} {'minimal':>8} {'w/min':>6}")
    for name in books:
        med = {v: statistics.median(times[(name, v)]) * 1000 for v in variants}
        low = {v: min(times[(name, v)]) * 1000 for v in variants}
        print(f"{name[:34]:<34} {med['writer']:7.2f} {med['minimal']:8.2f} {med['render']:7.2f} "
              f"{med['writer'] / med['minimal']:5.2f}x   {low['writer']:7.2f} "
              f"{low['minimal']:8.2f} {low['writer'] / low['minimal']:5.2f}x")

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
