"""The ONE rendering of an article: its wording and its HTML.

- :mod:`exporter.rendering.wording` -- every phrase a reader sees (bylines,
  captions and credits, attributions, the date line, rubric, corrections,
  figure numbers, labels, dates), as plain text and as ``(role, text)``
  segments;
- :mod:`exporter.rendering.html` -- the Jinja :class:`Renderer` that PDF,
  EPUB, RSS, HTML and ninjs show, built from those segments;
- :mod:`exporter.rendering.style` -- where the house style's files live.

This package re-exports both, so the documented plugin API
(``from exporter.rendering import byline_text, caption_text, Renderer``)
stays as it was.
"""

from __future__ import annotations

from exporter.rendering.html import (
    SAFE_LINK_SCHEMES,
    ImageUrl,
    Renderer,
    heading_ids,
    inline_html,
    parts_html,
    safe_href,
)
from exporter.rendering.wording import (
    ATTRIBUTION_DASH,
    BYLINE_SEPARATOR,
    FIGURE_SEQUENCE,
    LABELS,
    Part,
    Parts,
    attribution_parts,
    attribution_text,
    authors_text,
    byline_parts,
    byline_text,
    caption_parts,
    caption_text,
    correction_parts,
    correction_text,
    date_line_parts,
    date_line_text,
    edition_title_text,
    figure_caption_parts,
    figure_label,
    format_date,
    inline_text,
    keywords_text,
    labels,
    parts_text,
    person_parts,
    person_text,
    rubric_parts,
    rubric_text,
    sorted_corrections,
)

__all__ = [
    "ATTRIBUTION_DASH", "BYLINE_SEPARATOR", "FIGURE_SEQUENCE", "LABELS", "SAFE_LINK_SCHEMES", "ImageUrl", "Part",
    "Parts", "Renderer", "attribution_parts", "attribution_text", "authors_text",
    "byline_parts", "byline_text", "caption_parts", "caption_text", "correction_parts",
    "correction_text", "date_line_parts", "date_line_text", "edition_title_text",
    "figure_caption_parts", "figure_label", "format_date", "heading_ids", "inline_html",
    "inline_text", "keywords_text", "labels", "parts_html", "parts_text", "person_parts",
    "person_text", "rubric_parts", "rubric_text", "safe_href", "sorted_corrections",
]
