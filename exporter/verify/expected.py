"""What every format must show, computed from the model with the shared wording.

The expected texts come from :mod:`exporter.rendering` (``byline_text``,
``person_text``, ``caption_text``, ``attribution_text``, ``inline_text``,
``format_date`` and ``labels``): the contract is that every format words these
fields identically. The order of the corrections is computed here, not taken
from the rendering: newest first, a date without a time counting as midnight
UTC (DESIGN.md), so a writer (or a shared helper) that sorts them the other way
fails verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from exporter.dispatch import BLOCK_KINDS, RuleTable
from exporter.rendering import (
    attribution_text,
    byline_text,
    caption_text,
    format_date,
    inline_text,
    labels,
    person_text,
)
from exporter.verify.compare import norm

if TYPE_CHECKING:
    from exporter.model import Article, Correction, Image, Person


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


@dataclass(frozen=True)
class DatePart:
    """One half of the date line: ``published`` or ``updated`` with its label."""

    where: str
    text: str


@dataclass(frozen=True)
class CorrectionItem:
    #: ``corrections[i]``: its place in the model (the input order)
    where: str
    #: the date as the rendering prints it
    date: str
    text: str


def date_line(article: Article) -> list[DatePart]:
    """The parts of the date line in reading order: ``Published <date>``, ``Updated <date>``."""
    words = labels(article.language)
    parts = []
    for name in ("published", "updated"):
        value = getattr(article, name)
        if value is not None:
            parts.append(DatePart(name, f"{words[name]} {format_date(value, article.language)}"))
    return parts


def _instant(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def corrections(article: Article) -> list[CorrectionItem]:
    """The corrections as every format must list them: newest first (ties: input order)."""
    indexed: list[tuple[int, Correction]] = list(enumerate(article.corrections))
    indexed.sort(key=lambda pair: _instant(pair[1].date), reverse=True)
    return [CorrectionItem(f"corrections[{i}]", format_date(c.date, article.language), c.text)
            for i, c in indexed]


def byline(article: Article) -> str:
    return byline_text(article.bylines)


def person(p: Person) -> str:
    return person_text(p)


def body_items(article: Article) -> list[BodyItem]:
    """The text of every paragraph, heading, quote and list item, in order (empty ones left out)."""
    items: list[BodyItem] = []
    for i, block in enumerate(article.body):
        where = f"body[{i}]"
        items += BODY_ITEMS.rule_for(block, where)(block, where)
    return [it for it in items if norm(it.text)]


def _list_items(block: Any, where: str) -> list[BodyItem]:
    return [BodyItem("item", f"{where}.items[{j}]", inline_text(item), ordered=block.ordered)
            for j, item in enumerate(block.items)]


#: the body texts each kind of block must show (a figure's are checked as figures)
BODY_ITEMS = RuleTable("verify body items", BLOCK_KINDS, {
    "paragraph": lambda b, where: [BodyItem("paragraph", where, inline_text(b.content))],
    "heading": lambda b, where: [BodyItem("heading", where, inline_text(b.content),
                                          level=b.level)],
    "quote": lambda b, where: [BodyItem("quote", where, inline_text(b.content))],
    "figure": lambda b, where: [],
    "list": _list_items,
})


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
    if article.published is None and article.updated is None:
        na["date line"] = "no published or updated date"
    if not article.corrections:
        na["corrections"] = "no corrections"
    if len(article.corrections) < 2:
        na["corrections order"] = "fewer than two corrections"
    if not [t for t in article.tags if norm(t)]:
        na["tags"] = "no tags"
    return na


def tags(article: Article) -> list[str]:
    return [t for t in article.tags if norm(t)]
