"""exporter-plaintext: an example exporter plugin writing plain text.

It shows everything a format plugin needs and nothing more:

- one :class:`~exporter.writers.Writer` subclass declaring ``name``,
  ``suffix``, ``media_type`` and ``description``;
- one entry point in ``pyproject.toml``
  (``[project.entry-points."exporter.writers"] plaintext = "exporter_plaintext:PlaintextWriter"``);
- every word it prints comes from the validated model and the shared wording
  functions of :mod:`exporter.rendering`, so the headline, byline, caption
  and credit, attributions and dates read exactly as in the PDF, DOCX, EPUB
  and RSS outputs;
- it writes bytes to the stream it is given and never chooses a path, opens
  a file or touches the network (it embeds no pictures, so it does not need
  the resource gate).

Output: UTF-8, LF line ends, wrapped at 72 columns (``-O width=N`` to change).
Lines are broken only at spaces -- never inside a word or after a hyphen --
so no text is altered; a single word longer than the width stays whole.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, BinaryIO

from exporter.errors import UsageError
from exporter.rendering import (
    attribution_text,
    byline_text,
    caption_text,
    format_date,
    inline_text,
    labels,
    sorted_corrections,
)
from exporter.writers import WriteOptions, Writer

if TYPE_CHECKING:
    from exporter.model import Article, Image

__version__ = "0.1.0"
__all__ = ["DEFAULT_WIDTH", "PlaintextWriter", "render_text"]

DEFAULT_WIDTH = 72
MIN_WIDTH = 20
QUOTE_INDENT = "    "


class PlaintextWriter(Writer):
    """The ``plaintext`` format: one article as a ``.txt`` file."""

    name = "plaintext"
    suffix = ".txt"
    media_type = "text/plain"
    description = "plain text wrapped at 72 columns (example plugin; -O width=N)"

    def write(self, articles: Sequence[Article], stream: BinaryIO, options: WriteOptions) -> None:
        (article,) = articles  # one article per file (multi_article is False)
        stream.write(render_text(article, width=_width(options)).encode("utf-8"))


def _width(options: WriteOptions) -> int:
    raw = options.extra.get("width", DEFAULT_WIDTH)
    try:
        width = int(raw)
    except (TypeError, ValueError):
        width = 0
    if width < MIN_WIDTH:
        raise UsageError(f"plaintext: option width must be a whole number of at least "
                         f"{MIN_WIDTH}, not {raw!r}")
    return width


def render_text(article: Article, width: int = DEFAULT_WIDTH) -> str:
    """The whole article as plain text: header, lead picture's caption, body, corrections."""
    words = labels(article.language)
    lang = article.language
    blocks: list[list[str]] = []

    def wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
        # Hard line breaks inside a paragraph (Break nodes) are kept.
        wrapper = textwrap.TextWrapper(
            width=width, initial_indent=indent if first is None else first,
            subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
        lines: list[str] = []
        for n, piece in enumerate(text.split("\n")):
            if n:
                wrapper.initial_indent = indent
            lines += wrapper.wrap(piece) or [indent.rstrip()]
        return lines

    def underlined(text: str, char: str) -> list[str]:
        lines = wrap(text)
        # As wide as the text looks: combining marks (Arabic vowels) take no column.
        return [*lines, char * max(_columns(line) for line in lines)]

    def picture(image: Image) -> None:
        line = caption_text(image)
        if line:
            blocks.append(wrap(f"[{line}]"))

    # Header: rubric, headline, standfirst, byline and dates -- as in the HTML.
    rubric = " | ".join(part for part in (article.section, article.kicker) if part)
    if rubric:
        blocks.append(wrap(rubric))
    blocks.append(underlined(article.headline, "="))
    if article.standfirst:
        blocks.append(wrap(article.standfirst))
    credit_lines: list[str] = []
    if article.bylines:
        credit_lines += wrap(byline_text(article.bylines))
    dates = [f"{words[key]} {format_date(value, lang)}"
             for key, value in (("published", article.published), ("updated", article.updated))
             if value is not None]
    if dates:
        credit_lines += wrap(" · ".join(dates))
    if credit_lines:
        blocks.append(credit_lines)
    if article.lead_image is not None:
        picture(article.lead_image)
    if article.dateline:
        blocks.append(wrap(article.dateline))

    for block in article.body:
        if block.type == "paragraph":
            blocks.append(wrap(inline_text(block.content)))
        elif block.type == "heading":
            text = inline_text(block.content)
            blocks.append(underlined(text, "-") if block.level == 2 else wrap(text))
        elif block.type == "quote":
            lines = wrap(inline_text(block.content), indent=QUOTE_INDENT)
            if block.attribution is not None:
                lines += wrap(attribution_text(block.attribution), indent=QUOTE_INDENT)
            blocks.append(lines)
        elif block.type == "figure":
            picture(block.image)
        elif block.type == "list":
            lines = []
            for n, item in enumerate(block.items, start=1):
                marker = f"{n}. " if block.ordered else "- "
                lines += wrap(inline_text(item), indent=" " * len(marker), first=marker)
            blocks.append(lines)

    if article.corrections:
        blocks.append(underlined(words["corrections"], "-"))
        for correction in sorted_corrections(article.corrections):
            blocks.append(wrap(f"{format_date(correction.date, lang)}: {correction.text}"))
    if article.rights:
        blocks.append(wrap(article.rights))

    text = "\n\n".join("\n".join(line.rstrip() for line in lines) for lines in blocks if lines)
    return text + "\n"


def _columns(line: str) -> int:
    return sum(1 for ch in line if not unicodedata.combining(ch))
