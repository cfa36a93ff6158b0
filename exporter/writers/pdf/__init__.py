"""PDF: the shared HTML rendering printed by WeasyPrint as a tagged news page.

The page is :meth:`Renderer.page_html` with the style's ``print.css``. The
PDF is tagged (PDF/UA-1: structure tree, ``/Lang``, alt text from the model,
every font embedded) and its metadata comes from the model: Title = headline,
Author = bylines, Subject = standfirst, Keywords = tags, CreationDate and
ModDate = ``published`` and ``updated``. WeasyPrint's structure tree is
finished by :mod:`exporter.writers.pdf.tagging` (the running footer an
artifact, one ``Art`` per article) and the headline's hyphenated compounds
never break (:mod:`exporter.writers.pdf.compounds`). Nothing reads the clock, so the same
article gives the same bytes.

Resources are fetched only through :mod:`exporter.writers.pdf.fetcher`, built on the
shared resource gate: a refused content picture fails the export naming its
field (checked before WeasyPrint starts), a refused decorative resource (a
stylesheet ``url()``, a font) is a warning. WeasyPrint's own fetcher never
runs and nothing can be attached to the PDF.

One instance keeps one ``FontConfiguration`` and the parsed stylesheets for
the whole process: that is most of WeasyPrint's per-document cost.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC
from typing import TYPE_CHECKING, Any, BinaryIO

from exporter.dispatch import BLOCK_KINDS, RuleTable
from exporter.errors import ResourceError, UsageError
from exporter.rendering import byline_text, inline_text, page_counter_css
from exporter.reproducible import source_date_epoch
from exporter.resources import ResourceGate, image_fields, load_article_images
from exporter.writers import Option, WriteOptions, Writer
from exporter.writers.options import resolve
from exporter.writers.pdf.compounds import keep_headline_compounds
from exporter.writers.pdf.tagging import finish_tags

if TYPE_CHECKING:
    from exporter.model import Article
    from exporter.resources import ImageInfo

log = logging.getLogger("exporter")

#: page sizes the writer knows; the CSS names WeasyPrint understands
PAPER_SIZES = {"a4": "A4", "letter": "letter"}

#: how many parsed stylesheets one writer keeps (style x paper combinations)
_CSS_CACHE_SIZE = 8

#: WeasyPrint's warning for a character no font could draw (weasyprint/draw/text.py)
_NOTDEF = re.compile(r"\.notdef glyph rendered for Unicode string unsupported by fonts: .*\(U\+([0-9A-F]+)\)")


class PdfWriter(Writer):
    name = "pdf"
    suffix = ".pdf"
    media_type = "application/pdf"
    description = "tagged PDF (PDF/UA-1) news page, A4 or Letter (WeasyPrint)"
    requires = ("weasyprint",)
    options = (
        Option("columns", int, 2, "body text columns: 2 (the newspaper look) or 1 "
               "(one readable measure; renders faster)", choices=(1, 2)),
        Option("paper", str, None, "page size, over the paper setting "
               "[default: the paper setting, a4]", choices=("a4", "letter")),
    )

    def __init__(self) -> None:
        self._font_config: Any = None
        self._stylesheets: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()
        # WeasyPrint (Pango, fontconfig) is not thread-safe with a shared
        # FontConfiguration; renders are CPU-bound under the GIL anyway.
        self._render_lock = threading.RLock()

    # -- heavy state, made once --------------------------------------------------

    def font_config(self) -> Any:
        """The one ``FontConfiguration`` every render of this writer shares."""
        if self._font_config is None:
            from weasyprint.text.fonts import FontConfiguration

            self._font_config = FontConfiguration()
        return self._font_config

    def stylesheet(self, options: WriteOptions) -> Any:
        """The parsed print stylesheet for this style, paper and layout (cached)."""
        from weasyprint import CSS
        from weasyprint.urls import path2url

        from exporter.writers.pdf.fetcher import GateFetcher

        css_path = options.style.find("print.css")
        text = css_path.read_text(encoding="utf-8") + layout_css(options)
        roots = tuple(options.style.dirs) + tuple(options.allow_roots)
        key = (text, tuple(str(r) for r in roots), options.allow_remote)
        with self._lock:
            cached = self._stylesheets.get(key)
        if cached is not None:
            return cached
        # The stylesheet's own url()s, @import and @font-face are fetched while
        # parsing: only from the style folders (and --allow-root), never the net.
        fetcher = GateFetcher(ResourceGate(roots, allow_remote=options.allow_remote),
                              source=str(css_path), field="style")
        with self._render_lock, capture_weasyprint() as records:
            css = CSS(string=text, base_url=path2url(str(css_path)), url_fetcher=fetcher,
                      font_config=self.font_config())
        forward_warnings(records, str(css_path), "style", fetcher)
        with self._lock:
            if len(self._stylesheets) >= _CSS_CACHE_SIZE:
                self._stylesheets.pop(next(iter(self._stylesheets)))
            self._stylesheets[key] = css
        return css

    # -- one article --------------------------------------------------------------

    def write(self, articles: Sequence[Article], stream: BinaryIO, options: WriteOptions) -> None:
        stream.write(self.render(articles, options))

    def render(self, articles: Sequence[Article], options: WriteOptions) -> bytes:
        """The PDF bytes of one article."""
        (article,) = articles
        from weasyprint import CSS, HTML
        from weasyprint.urls import path2url

        from exporter.writers.pdf.fetcher import GateFetcher

        source = str(article.origin or "<article>")
        gate = options.gate(article)
        extra_roots = tuple(d for d in options.style.dirs if d not in gate.roots)
        if extra_roots:  # a user style layered over the default one: both may serve
            gate = ResourceGate(gate.roots + extra_roots, allow_remote=gate.allow_remote)
        # Every picture is read and checked first: a refused or unreadable one
        # fails the export here, naming its field, before anything is rendered.
        images = load_article_images(article, gate)
        urls = {src: pdf_image_url(src, info) for src, info in images.items()}
        css = self.stylesheet(options)
        page = keep_headline_compounds(options.renderer.page_html(
            article, lambda image: urls.get(image.src, image.src), css=""))
        fetcher = GateFetcher(gate, source=source, field="resource", preloaded=images.values(),
                              by_url={urls[src]: info for src, info in images.items()})
        with self._render_lock, capture_weasyprint() as records:
            html = HTML(string=page, base_url=path2url(str(article.base_dir) + "/"),
                        url_fetcher=fetcher)
            # the page counter in the article's language, after the style's sheet
            counter = CSS(string=page_counter_css(article.language, options.style))
            document = html.render(font_config=self.font_config(), stylesheets=[css, counter],
                                   pdf_variant="pdf/ua-1", pdf_tags=True)
            set_metadata(document, article)
            disarm_attachments(document)
            pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True,
                                     pdf_identifier=True)
        # The footer becomes an artifact, the pages' Arts one Art (see tagging).
        pdf = finish_tags(pdf)
        check_pictures(records, article, html.base_url, urls)
        missing = forward_warnings(records, source, "pdf", fetcher)
        if missing:
            report_missing_glyphs(article, missing)
        return pdf


# --- options ---------------------------------------------------------------------------


def paper_size(options: WriteOptions) -> str:
    """The CSS page size: the writer's ``paper`` option, else the ``paper`` setting."""
    raw = (resolve(PdfWriter, options.extra)["paper"] or options.paper or "a4").strip().lower()
    try:
        return PAPER_SIZES[raw]
    except KeyError:
        raise UsageError(f"paper: unknown paper size {raw!r}; known: "
                         f"{', '.join(PAPER_SIZES)}") from None


def columns(options: WriteOptions) -> int:
    """Body text columns (the ``columns`` option, checked when declared): 2 or 1."""
    value: int = resolve(PdfWriter, options.extra)["columns"]
    return value


#: appended for ``columns`` 1: one column at a readable measure (and a
#: faster render: WeasyPrint balances columns by laying them out repeatedly)
ONE_COLUMN_CSS = """
.article-body { column-count: 1; column-rule: none; }
.article-body, .corrections, .article-footer { max-width: 128mm; }
"""


def layout_css(options: WriteOptions) -> str:
    """What the writer's options add to the style's ``print.css``."""
    extra = ""
    paper = paper_size(options)
    if paper != "A4":
        extra += f"\n@page {{ size: {paper}; }}\n"
    if columns(options) == 1:
        extra += ONE_COLUMN_CSS
    return extra


# --- metadata ---------------------------------------------------------------------------


def set_metadata(document: Any, article: Article) -> None:
    """Title, Author, Subject, Keywords, dates and language from the model.

    WeasyPrint reads these from the page's ``<meta>`` elements too; setting
    them here keeps them exact (WeasyPrint would split a tag containing a
    comma into two keywords) and independent of a user's template. Dates are the article's own, in their
    own offset; an article without dates gets ``SOURCE_DATE_EPOCH`` if set,
    else none -- never the clock.
    """
    meta = document.metadata
    meta.title = article.headline
    meta.authors = [byline_text(article.bylines)] if article.bylines else []
    meta.description = article.standfirst or None
    meta.keywords = list(article.tags)
    meta.lang = article.language
    meta.generator = "exporter"
    created = article.published
    modified = article.updated or article.published
    if created is None and modified is None:
        epoch = source_date_epoch()
        created = modified = epoch
    meta.created = _w3c(created) if created else None
    meta.modified = _w3c(modified) if modified else None
    meta.custom = {}


def _w3c(value: Any) -> str:
    if value.tzinfo is None:  # the model refuses naive times; be safe anyway
        value = value.replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds")


def disarm_attachments(document: Any) -> None:
    """Drop every file attachment (``<link rel=attachment>``, ``<a rel=attachment>``).

    Our templates never produce them; this makes sure no markup can embed a
    file into the PDF even if a template or a plugin did.
    """
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]


# --- WeasyPrint's log: what it could not fetch or draw ------------------------------------


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if threading.get_ident() == self.thread:
            self.records.append(record)


@contextlib.contextmanager
def capture_weasyprint() -> Iterator[list[logging.LogRecord]]:
    """Collect WeasyPrint's warnings and errors raised in this thread."""
    logger = logging.getLogger("weasyprint")
    handler = _Collector()
    restore = None
    if not logger.isEnabledFor(logging.WARNING):
        restore = logger.level
        logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        if restore is not None:
            logger.setLevel(restore)


def forward_warnings(records: list[logging.LogRecord], source: str, field: str,
                     fetcher: Any) -> set[str]:
    """Re-emit WeasyPrint's problems as exporter warnings; return undrawable characters.

    Fetch failures the gate already reported are not repeated.
    """
    missing: set[str] = set()
    for record in records:
        message = record.getMessage()
        match = _NOTDEF.search(message)
        if match:
            missing.add(chr(int(match.group(1), 16)))
            continue
        if fetcher.already_reported(message):
            continue
        first_line = message.strip().splitlines()[0] if message.strip() else message
        log.warning("%s: %s: pdf: %s", source, field, first_line)
    return missing


def pdf_image_url(src: str, info: ImageInfo) -> str:
    """The URL a content picture gets in the HTML WeasyPrint lays out.

    WeasyPrint names each raster image in the PDF after an MD5 of its URL
    (the image XObject ``/i<md5>``), so a ``file:`` URL would put the
    article's absolute folder into the bytes: the same tree in two places
    would give two PDFs. A local raster picture is therefore named by its
    content (``exporter-image:<sha256><ext>``, served by the fetcher from the
    bytes the gate read). An SVG keeps its own URL (its sub-resources resolve
    against it, and WeasyPrint draws it as vectors, named by position), and
    so do ``data:`` and remote pictures (their URL carries no local path).
    """
    import hashlib

    if info.resource.path is None or info.format == "SVG":
        return src
    digest = hashlib.sha256(info.resource.data).hexdigest()
    return f"{IMAGE_URL_SCHEME}:{digest}{info.extension}"


#: the URL scheme of content pictures inside the PDF writer (never leaves it)
IMAGE_URL_SCHEME = "exporter-image"


def check_pictures(records: list[logging.LogRecord], article: Article, base_url: str,
                   urls: dict[str, str] | None = None) -> None:
    """Fail, naming the field, when WeasyPrint could not draw a content picture.

    The gate checked every picture before rendering, but an SVG is not
    parsed there: a picture WeasyPrint then fails to decode would otherwise
    vanish from the page with nothing but a log line. ``urls`` maps each
    ``src`` to the URL the page used for it (:func:`pdf_image_url`).
    """
    from weasyprint.urls import url_join

    failures = [r.getMessage() for r in records
                if r.getMessage().startswith(("Failed to load image", "Failed to render SVG"))]
    if not failures:
        return
    for field, image in image_fields(article):
        used = (urls or {}).get(image.src, image.src.strip())
        url = url_join(base_url, used, False, None) or used
        for message in failures:
            if url in message or repr(url) in message:
                detail = message.rpartition("': ")[2].strip() if "': " in message else ""
                raise ResourceError(f"{image.src[:80]!r} could not be drawn "
                                    f"({detail or 'WeasyPrint cannot decode it'})",
                                    source=article.origin or "<article>", field=f"{field}.src")


def text_fields(article: Article) -> Iterator[tuple[str, str]]:
    """Every visible text of an article with its field path."""
    for name in ("kicker", "section", "headline", "standfirst", "dateline", "rights"):
        value = getattr(article, name, None)
        if value:
            yield name, value
    for i, person in enumerate(article.bylines):
        for part in ("name", "role", "organisation"):
            if getattr(person, part, None):
                yield f"bylines[{i}].{part}", getattr(person, part)
    if article.lead_image is not None:
        for part in ("caption", "credit"):
            if getattr(article.lead_image, part, None):
                yield f"lead_image.{part}", getattr(article.lead_image, part)
    for i, block in enumerate(article.body):
        for name, text in BLOCK_TEXTS.rule_for(block, f"body[{i}]")(block):
            yield f"body[{i}].{name}", text
    for i, correction in enumerate(article.corrections):
        yield f"corrections[{i}].text", correction.text


def _content_text(block: Any) -> Iterator[tuple[str, str]]:
    yield "content", inline_text(block.content)


def _quote_texts(block: Any) -> Iterator[tuple[str, str]]:
    yield "content", inline_text(block.content)
    for part in ("name", "role", "organisation"):
        if block.attribution is not None and getattr(block.attribution, part, None):
            yield f"attribution.{part}", getattr(block.attribution, part)


def _figure_texts(block: Any) -> Iterator[tuple[str, str]]:
    for part in ("caption", "credit"):
        if getattr(block.image, part, None):
            yield f"image.{part}", getattr(block.image, part)


def _list_texts(block: Any) -> Iterator[tuple[str, str]]:
    for j, item in enumerate(block.items):
        yield f"items[{j}]", inline_text(item)


#: the visible texts of each kind of block, as (field under ``body[i]``, text)
BLOCK_TEXTS = RuleTable("pdf block texts", BLOCK_KINDS, {
    "paragraph": _content_text, "heading": _content_text, "quote": _quote_texts,
    "figure": _figure_texts, "list": _list_texts,
})


def report_missing_glyphs(article: Article, missing: set[str]) -> None:
    """Warn, per field, about characters no installed font could draw."""
    source = str(article.origin or "<article>")
    placed: set[str] = set()
    for field, text in text_fields(article):
        chars = sorted({c for c in text if c in missing})
        if chars:
            placed.update(chars)
            log.warning("%s: %s: no installed font can draw %s; printed as empty boxes "
                        "(install a font that covers them)", source, field, _describe(chars))
    rest = sorted(missing - placed)
    if rest:
        log.warning("%s: %s: no installed font can draw %s; printed as empty boxes",
                    source, "text", _describe(rest))


def _describe(chars: list[str]) -> str:
    shown = ", ".join(f"U+{ord(c):04X} {c!r}" for c in chars[:8])
    return shown + (f" and {len(chars) - 8} more" if len(chars) > 8 else "")
