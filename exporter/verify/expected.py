"""What every format must show, computed from the model with the shared wording.

The expected texts come from :mod:`exporter.rendering` (``byline_text``,
``person_text``, ``caption_text``, ``attribution_text``, ``inline_text``):
the contract is that every format words these fields identically.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from exporter.rendering import attribution_text, byline_text, caption_text, inline_text, person_text
from exporter.verify.compare import norm

if TYPE_CHECKING:
    from exporter.model import Article, Image, Person


@dataclass(frozen=True)
class BodyItem:
    """One piece of body text a reader must find, in reading order."""

    #: ``paragraph``, ``heading``, ``quote``, ``item`` (of a list)
    kind: str
    #: where it is in the model, e.g. ``body[3]`` or ``body[5].items[1]``
    where: str
    text: str
    level: int = 0
    ordered: bool = False


@dataclass(frozen=True)
class QuoteItem:
    where: str
    text: str
    person: Person | None

    @property
    def attribution(self) -> str | None:
        return attribution_text(self.person) if self.person else None


@dataclass(frozen=True)
class FigureItem:
    #: ``lead_image`` or ``body[4].image``
    where: str
    image: Image

    @property
    def caption(self) -> str:
        """``caption (credit)`` as the shared rendering words it."""
        return caption_text(self.image)


def byline(article: Article) -> str:
    return byline_text(article.bylines)


def person(p: Person) -> str:
    return person_text(p)


def body_items(article: Article) -> list[BodyItem]:
    """The text of every paragraph, heading, quote and list item, in order (empty ones left out)."""
    items: list[BodyItem] = []
    for i, block in enumerate(article.body):
        where = f"body[{i}]"
        if block.type == "paragraph":
            items.append(BodyItem("paragraph", where, inline_text(block.content)))
        elif block.type == "heading":
            items.append(BodyItem("heading", where, inline_text(block.content), level=block.level))
        elif block.type == "quote":
            items.append(BodyItem("quote", where, inline_text(block.content)))
        elif block.type == "list":
            for j, item in enumerate(block.items):
                items.append(BodyItem("item", f"{where}.items[{j}]", inline_text(item),
                                      ordered=block.ordered))
    return [it for it in items if norm(it.text)]


def quotes(article: Article) -> list[QuoteItem]:
    return [QuoteItem(f"body[{i}]", inline_text(b.content), b.attribution)
            for i, b in enumerate(article.body) if b.type == "quote"]


def figures(article: Article) -> list[FigureItem]:
    """The lead image, then every body figure, in reading order."""
    found = [FigureItem("lead_image", article.lead_image)] if article.lead_image else []
    found += [FigureItem(f"body[{i}].image", b.image) for i, b in enumerate(article.body)
              if b.type == "figure"]
    return found


def captioned(article: Article) -> list[FigureItem]:
    """Figures that have a caption or a credit (so a caption line must be shown)."""
    return [f for f in figures(article) if norm(f.caption)]


def not_applicable(article: Article) -> dict[str, str]:
    """Fields this article does not have, with the reason shown as "–"."""
    na: dict[str, str] = {}
    if not norm(article.standfirst):
        na["standfirst"] = "no standfirst"
    if not article.bylines:
        na["bylines"] = "no bylines"
    if article.lead_image is None:
        na["lead image"] = "no lead image"
    if not captioned(article):
        na["caption + credit"] = "no caption or credit"
    if not any(q.person for q in quotes(article)):
        na["quote attribution"] = "no attributed quote"
    if not body_items(article) and not any(b.type == "figure" for b in article.body):
        na["body"] = "empty body"
    if not article.corrections:
        na["corrections"] = "no corrections"
    if not [t for t in article.tags if norm(t)]:
        na["tags"] = "no tags"
    return na


def tags(article: Article) -> list[str]:
    return [t for t in article.tags if norm(t)]
