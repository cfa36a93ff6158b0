"""Reading the shared HTML rendering back from XHTML/HTML (EPUB content documents, RSS content).

The class names are those of ``styles/templates/article.html.j2`` (what PDF,
EPUB, RSS and HTML show): ``headline``, ``standfirst``, ``byline``,
``lead-figure``, ``caption``, ``credit``, ``attribution``, ``corrections``.
The functions accept elements with or without the XHTML namespace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from exporter.verify import expected as E
from exporter.verify.compare import norm, quoted, shown_as
from exporter.verify.lines import (
    check_correction_order,
    check_correction_units,
    check_date_line,
    unit_finder,
)
from exporter.verify.result import Cell

XHTML = "http://www.w3.org/1999/xhtml"
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "figcaption", "footer", "td", "th",
           "dt", "dd", "pre")
_SKIP = ("script", "style", "head", "title")


def local(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def text_of(el: Any) -> str:
    """The text a reader sees in ``el``: ``<br/>`` is a line break, scripts are skipped."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        name = local(node)
        if name in _SKIP:
            return
        if name == "br":
            parts.append("\n")
        elif node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return "".join(parts)


def classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def iter_elements(roots: Iterable[Any]) -> list[Any]:
    """Every element under ``roots``, in document order."""
    return [el for root in roots for el in root.iter() if isinstance(el.tag, str)]


def by_class(elements: Sequence[Any], cls: str) -> list[Any]:
    return [el for el in elements if cls in classes(el)]


def by_tag(elements: Sequence[Any], *names: str) -> list[Any]:
    return [el for el in elements if local(el) in names]


def ancestors(el: Any) -> list[Any]:
    out = []
    parent = el.getparent()
    while parent is not None:
        out.append(parent)
        parent = parent.getparent()
    return out


def _kind_of(el: Any) -> str:
    """The model block kind an element shows: heading, item, quote or paragraph."""
    name = local(el)
    if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return "heading"
    if name == "li":
        return "item"
    if any(local(a) == "blockquote" for a in ancestors(el)):
        return "quote"
    return "paragraph"


class Rendering:
    """The article as shown by one HTML-based output (EPUB content documents, RSS content)."""

    def __init__(self, roots: Sequence[Any]) -> None:
        self.elements = iter_elements(roots)
        self.position = {id(el): i for i, el in enumerate(self.elements)}

    def pos(self, el: Any) -> int:
        return self.position.get(id(el), -1)

    def h1(self) -> list[Any]:
        return by_tag(self.elements, "h1")

    def first_class(self, cls: str) -> Any | None:
        found = by_class(self.elements, cls)
        return found[0] if found else None

    def blocks(self) -> list[Any]:
        """The body's block elements whose text is a unit (paragraphs, headings, items...).

        Inside the shared template's ``.article-body`` (so a body heading that repeats
        the headline is not taken for the ``h1``); without one, outside ``header``.
        """
        bodies = by_class(self.elements, "article-body")
        if bodies:
            scope = [el for body in bodies for el in body.iter() if isinstance(el.tag, str)]
        else:
            scope = [el for el in self.elements
                     if not any(local(a) == "header" for a in ancestors(el))]
        return [el for el in scope if local(el) in _BLOCKS]

    # -- the field checks shared by EPUB and RSS content ---------------------------------

    def check_headline(self, cell: Cell, headline: str) -> None:
        h1s = self.h1()
        if not h1s:
            cell.fail("no h1")
            return
        texts = [norm(text_of(h)) for h in h1s]
        cell.expect(norm(headline) in texts, f"h1 is {shown_as(texts[0], headline)}")

    def check_standfirst(self, cell: Cell, standfirst: str) -> None:
        el = self.first_class("standfirst")
        if el is None:
            cell.fail("no element with class standfirst")
            return
        shown = text_of(el)
        cell.expect(norm(shown) == norm(standfirst), f"standfirst is {shown_as(shown, standfirst)}")
        h1s = self.h1()
        if h1s:
            cell.expect(self.pos(el) > self.pos(h1s[0]), "standfirst is not under the headline")

    def check_byline(self, cell: Cell, article: Any) -> None:
        el = self.first_class("byline")
        if el is None:
            cell.fail("no element with class byline")
            return
        shown = text_of(el)
        cell.expect(norm(shown) == norm(E.byline(article)), f"byline is {shown_as(shown, E.byline(article))}")

    def figures(self) -> list[Any]:
        return by_tag(self.elements, "figure")

    def check_lead_image(self, cell: Cell, article: Any, require_img: bool = True) -> Any | None:
        """The lead figure's ``img`` (or None); checks its ``alt``."""
        image = article.lead_image
        figs = by_class(self.elements, "lead-figure") or self.figures()[:1]
        if not figs:
            cell.fail("no lead figure")
            return None
        imgs = by_tag(list(figs[0].iter()), "img")
        if not imgs:
            if require_img:
                cell.fail("lead figure has no img")
            return None
        alt = imgs[0].get("alt")
        if alt is None:
            cell.fail("img has no alt attribute")
        else:
            cell.expect(norm(alt) == norm(image.alt), f"alt is {quoted(alt)}, expected "
                        f"{quoted(image.alt)}")
        return imgs[0]

    def check_captions(self, cell: Cell, article: Any) -> None:
        shown = [norm(text_of(el)) for el in by_tag(self.elements, "figcaption")]
        at = 0
        for fig in E.captioned(article):
            want = norm(fig.caption)
            if want in shown[at:]:
                at = shown.index(want, at) + 1
            elif want in shown:
                cell.fail(f"{fig.where}: caption out of order")
            else:
                near = shown[at] if at < len(shown) else (shown[-1] if shown else "")
                cell.fail(f"{fig.where}: figcaption is {shown_as(near, want)}"
                          if near else f"{fig.where}: no figcaption")

    def check_quotes(self, cell: Cell, article: Any) -> None:
        quotes = by_tag(self.elements, "blockquote")
        wanted = E.quotes(article)
        texts = []
        for q in quotes:
            paras = [norm(text_of(p)) for p in q.iter() if local(p) == "p"]
            texts.append(" ".join(paras))
        at = 0
        for q in wanted:
            want = norm(q.text)
            idx = next((i for i in range(at, len(quotes)) if texts[i] == want), None)
            if idx is None:
                idx = at if at < len(quotes) else None
            if idx is None:
                if q.person:
                    cell.fail(f"{q.where}: no blockquote")
                continue
            at = idx + 1
            if not q.person:
                continue
            feet = by_tag(list(quotes[idx].iter()), "footer")
            if not feet:
                cell.fail(f"{q.where}: blockquote has no footer")
                continue
            shown = text_of(feet[0])
            cell.expect(norm(shown) == norm(q.attribution),
                        f"{q.where}: attribution is {quoted(shown)}, expected "
                        f"{quoted(q.attribution)}")
            cites = by_tag(list(feet[0].iter()), "cite")
            cell.expect(bool(cites) and norm(text_of(cites[0])) == norm(q.person.name),
                        f"{q.where}: cite is not {quoted(q.person.name)}")

    def check_body(self, cell: Cell, article: Any,
                   shows_picture: Callable[[Any], bool] | None = None) -> None:
        """Every body text verbatim, in order, in the right kind of element.

        ``shows_picture(image)`` says whether the output must show a body figure's
        picture (and so its ``alt``); by default every one.
        """
        blocks = self.blocks()
        texts = [norm(text_of(el)) for el in blocks]
        at = 0
        for item in E.body_items(article):
            want = norm(item.text)
            found = [i for i in range(at, len(texts)) if texts[i] == want]
            # the element of the right kind first (a quote repeating a list item's words)
            fitting = [i for i in found if _kind_of(blocks[i]) == item.kind]
            candidates = fitting or found
            idx: int | None = candidates[0] if candidates else None
            if idx is None:
                if want in texts:
                    cell.fail(f"{item.where}: out of order")
                else:
                    cell.fail(f"{item.where} {item.kind} {quoted(want)} not found")
                continue
            at = idx + 1
            el = blocks[idx]
            name = local(el)
            if item.kind == "heading":
                cell.expect(name == f"h{item.level}", f"{item.where}: heading is <{name}>, "
                            f"expected <h{item.level}>")
            elif item.kind == "item":
                parent = el.getparent()
                want_list = "ol" if item.ordered else "ul"
                cell.expect(name == "li" and parent is not None and local(parent) == want_list,
                            f"{item.where}: not an item of <{want_list}>")
            elif item.kind == "quote":
                cell.expect(any(local(a) == "blockquote" for a in ancestors(el)),
                            f"{item.where}: quote text is not in a blockquote")
        figs = [f for f in E.figures(article) if f.where != "lead_image"
                and (shows_picture is None or shows_picture(f.image))]
        if figs:
            alts = [norm(img.get("alt") or "") for img in by_tag(self.elements, "img")]
            for fig in figs:
                cell.expect(norm(fig.image.alt) in alts, f"{fig.where}: no img with alt "
                            f"{quoted(fig.image.alt)}")

    def check_date_line(self, cell: Cell, article: Any) -> None:
        """The ``.dates`` line: ``Published <date>`` then ``Updated <date>``, as worded."""
        el = self.first_class("dates")
        check_date_line(cell, text_of(el) if el is not None else None, E.date_line(article))

    def correction_units(self) -> list[str] | None:
        """The text of each correction line (``.correction``, else the section's ``p``)."""
        section = self.first_class("corrections")
        if section is None:
            return None
        inside = [el for el in section.iter() if isinstance(el.tag, str)]
        units = by_class(inside, "correction") or by_tag(inside, "p", "li")
        return [text_of(el) for el in units] or [text_of(section)]

    def check_corrections(self, cell: Cell, article: Any) -> None:
        units = self.correction_units()
        if units is None:
            cell.fail("no corrections section")
            return
        check_correction_units(cell, units, E.corrections(article))

    def check_corrections_order(self, cell: Cell, article: Any) -> None:
        units = self.correction_units()
        if units is None:
            cell.fail("no corrections section")
            return
        check_correction_order(cell, unit_finder(units), E.corrections(article))
