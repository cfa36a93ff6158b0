"""HTML -> the model's blocks and inlines, for the HTML and ninjs readers.

Input HTML is untrusted. It is cleaned in two steps: page chrome (ads,
share bars, related links, scripts, forms...) is removed from the lxml tree,
then what is left is sanitised by nh3 to a short whitelist of tags and
attributes (links: http, https and mailto only) before it is turned into
plain JSON data in the canonical form. Nothing of the input HTML reaches a
writer: writers render from the model.

Two whitespace modes: ``collapse`` (web pages: runs of white space are one
space, paragraph ends trimmed) and verbatim (exporter's own rendering inside
ninjs, where text is exactly what the model held).

The pieces, one job each:

- :mod:`.chrome`: what is page chrome; the nh3 whitelist; visible text;
- :mod:`.inline`: inline content, links, and the two whitespace modes;
- :mod:`.figures`: pictures, captions and credits;
- :mod:`.people`: persons and quote attributions;
- this module: the block structure (paragraphs, headings, lists, quotes,
  figures, tables) built from those.
"""

from __future__ import annotations

import logging
from typing import Any

from exporter.readers.html.chrome import (
    ALLOWED_TAGS,
    BLOCK_TAGS,
    CHROME_ROLES,
    DROP_TAGS,
    class_words,
    has_class,
    has_itemprop,
    is_chrome,
    sanitise,
    text_of,
    words_of,
)
from exporter.readers.html.figures import image_src, parse_figure
from exporter.readers.html.inline import SAFE_SCHEMES, InlineBuilder, resolve_url
from exporter.readers.html.people import person_from_text, pop_attribution, structured_person

# The HTML and ninjs readers (and html_meta) import these from here: this module
# stays their one entry point, whichever piece a name now lives in.
__all__ = [
    "ALLOWED_TAGS",
    "BLOCK_TAGS",
    "CHROME_ROLES",
    "DROP_TAGS",
    "SAFE_SCHEMES",
    "BlockBuilder",
    "class_words",
    "has_class",
    "has_itemprop",
    "image_src",
    "is_chrome",
    "parse_figure",
    "person_from_text",
    "resolve_url",
    "sanitise",
    "structured_person",
    "text_of",
    "words_of",
]

log = logging.getLogger("exporter")

#: between the cells of a table row read as one paragraph: plain punctuation of the
#: reader's own, not a separator of the rendering (which the reader never spells)
CELL_JOINER = "; "


class BlockBuilder(InlineBuilder):
    """Turns a sanitised tree into the canonical ``body`` list."""

    def __init__(self, base_url: str | None = None, verbatim: bool = False,
                 source: str = "<input>") -> None:
        super().__init__(base_url, verbatim)
        self.source = source
        self.figures_without_alt = 0
        self._warned_table = False

    def blocks(self, container: Any) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        self._container(container, out)
        return out

    # -- blocks ---------------------------------------------------------------------

    def _container(self, el: Any, out: list[dict[str, Any]]) -> None:
        pending: list[Any] = [el.text] if el.text else []
        for child in el:
            if not isinstance(child.tag, str):
                pass
            elif child.tag in BLOCK_TAGS or any(
                    isinstance(d.tag, str) and d.tag in BLOCK_TAGS - {"img"} for d in child.iter()
                    if d is not child):
                self._paragraphs(pending, out)
                pending = []
                self._block(child, out)
            else:
                pending.append(child)
            if child.tail:
                pending.append(child.tail)
        self._paragraphs(pending, out)

    def _paragraphs(self, items: list[Any], out: list[dict[str, Any]]) -> None:
        """Loose inline content; a double ``<br>`` separates paragraphs."""
        run: list[Any] = []
        for part in [*self.inline_parts(items), None]:
            if part is None or (isinstance(part, dict) and part.get("type") == "break"
                                and run and run[-1] == {"type": "break"}):
                content = self.finish(run[:-1] if run and run[-1] == {"type": "break"} else run)
                if content and not (isinstance(content, str) and not content.strip()):
                    out.append({"type": "paragraph", "content": content})
                run = []
            else:
                run.append(part)

    def _block(self, el: Any, out: list[dict[str, Any]]) -> None:
        tag = el.tag
        if tag == "p":
            lone = self._lone_image(el)
            if lone is not None:
                self._figure(lone, out)
                return
            content = self.inline(el)
            if content:
                out.append({"type": "paragraph", "content": content})
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            content = self.inline(el)
            if content:
                level = min(max(int(tag[1]), 2), 4)
                out.append({"type": "heading", "level": level, "content": content})
        elif tag in ("ul", "ol"):
            items = self._list_items(el)
            if items:
                out.append({"type": "list", "ordered": tag == "ol", "items": items})
        elif tag == "blockquote":
            quote = self.quote(el)
            if quote is not None:
                out.append(quote)
        elif tag in ("figure", "img", "picture"):
            self._figure(el, out)
        elif tag == "table":
            self._table(el, out)
        elif tag == "pre":
            text = text_of(el, verbatim=True).strip("\n")
            if text.strip():
                parts: list[Any] = []
                for n, line in enumerate(text.split("\n")):
                    parts += ([{"type": "break"}] if n else []) + ([line] if line else [])
                out.append({"type": "paragraph", "content": self.finish(parts, collapse=False)})
        elif tag == "hr":
            return
        elif tag == "figcaption":
            content = self.inline(el)
            if content:
                out.append({"type": "paragraph", "content": content})
        else:  # div, section, header, footer, dl, address...
            self._container(el, out)

    def _lone_image(self, p: Any) -> Any | None:
        imgs = list(p.iter("img"))
        if len(imgs) == 1 and not text_of(p).strip():
            return imgs[0]
        return None

    def _figure(self, el: Any, out: list[dict[str, Any]]) -> None:
        image = parse_figure(el, self.base_url, self.verbatim)
        if image is None:
            # A figure without a picture (a pull quote, an embed): keep its text.
            self._container(el, out)
            return
        out.append({"type": "figure", "image": self.fix_alt(image, "body figure")})

    def fix_alt(self, image: dict[str, Any], where: str) -> dict[str, Any]:
        if image.get("alt") is None:
            image["alt"] = image.get("caption") or ""
            log.warning("%s: %s: the picture %r has no alt attribute; %s", self.source, where,
                        image["src"][:60], "its caption stands in" if image["alt"] else
                        "left empty")
        return image

    def _list_items(self, el: Any) -> list[Any]:
        items: list[Any] = []
        for li in el:
            if not isinstance(li.tag, str):
                continue
            nested = [c for c in li if isinstance(c.tag, str) and c.tag in ("ul", "ol")]
            parts: list[Any] = [li.text] if li.text else []
            for child in li:
                if child in nested:
                    if child.tail:
                        parts.append(child.tail)
                    continue
                if isinstance(child.tag, str) and child.tag == "p" and parts:
                    parts.append({"_break": True})
                parts.append(child)
                if child.tail:
                    parts.append(child.tail)
            content = self.finish(self.inline_parts(parts))
            if content:
                items.append(content)
            for sub in nested:
                items.extend(self._list_items(sub))
        return items

    def _table(self, el: Any, out: list[dict[str, Any]]) -> None:
        if not self._warned_table:
            log.warning("%s: body: a table has no place in the article model; each row became "
                        "a paragraph (cells joined with %r)", self.source, CELL_JOINER)
            self._warned_table = True
        for row in el.iter("tr"):
            cells = [text_of(c) for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
            line = CELL_JOINER.join(c for c in cells if c)
            if line:
                out.append({"type": "paragraph", "content": line})

    def quote(self, el: Any) -> dict[str, Any] | None:
        """``<blockquote>``: paragraphs joined by breaks; footer/cite is the attribution."""
        attribution = pop_attribution(el, self.verbatim)
        inner: list[dict[str, Any]] = []
        self._container(el, inner)
        parts: list[Any] = []
        for n, block in enumerate(b for b in inner if b["type"] in ("paragraph", "heading")):
            if n:
                parts.append({"type": "break"})
            content = block["content"]
            parts.extend([content] if isinstance(content, str) else content)
        content = self.finish(parts, collapse=False)
        if not content:
            return None
        quote: dict[str, Any] = {"type": "quote", "content": content}
        if attribution:
            quote["attribution"] = attribution
        return quote
