"""THE wording: every phrase a reader sees, decided once for every format.

How a byline joins a name and a role, how a caption and its credit are
joined, how a quote is attributed, how the date line, the rubric, a
correction and a figure number read, and the few words the rendering adds
itself (``Published``, ``Corrections``...) -- all of it is spelled here and
nowhere else. Writers and templates ask this module; none spells a separator
or a label of its own, so the words agree in every format.

Each phrase comes two ways:

- ``*_parts`` returns :class:`Part` segments ``(role, text)``: the role names
  what a segment is (``"byline-name"``, ``"credit"``; ``None`` for plain
  joining text) so HTML can wrap it in ``<span class="byline-name">`` and
  DOCX can give it a character style -- while the separators still come
  from here;
- ``*_text`` returns the plain string: exactly the segments joined.

Text is never rewritten: no smart quotes, no case changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import NamedTuple

from exporter.model import Break, Correction, Image, Inline, Person

#: the few words the rendering adds itself, by primary language
LABELS: dict[str, dict[str, str]] = {
    "en": {"published": "Published", "updated": "Updated", "corrections": "Corrections",
           "contents": "Contents", "figure": "Figure"},
    "ar": {"published": "نُشر", "updated": "حُدّث", "corrections": "تصحيحات",
           "contents": "المحتويات", "figure": "شكل"},
    "he": {"published": "פורסם", "updated": "עודכן", "corrections": "תיקונים",
           "contents": "תוכן", "figure": "איור"},
}

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")

#: between two people of a byline, and between the published and updated dates
BYLINE_SEPARATOR = " · "
DATES_SEPARATOR = " · "
#: between the headlines that make up an edition's title
TITLE_SEPARATOR = " · "
#: between a person's name, role and organisation
PERSON_SEPARATOR = ", "
#: before the person a quote is attributed to
ATTRIBUTION_DASH = "— "
#: between section and kicker
RUBRIC_SEPARATOR = " | "
#: between a correction's date and its text, and a figure number and its caption
CORRECTION_SEPARATOR = ": "
FIGURE_SEPARATOR = ": "
#: the name numbered pictures are counted under in a document's own fields (Word's
#: ``SEQ Figure``): an identifier, not a label, so it stays the same in every language
#: and Word's table of figures finds the pictures under its built-in caption label
FIGURE_SEQUENCE = "Figure"
#: between authors in a metadata field that holds one string (DOCX core properties)
AUTHORS_SEPARATOR = "; "
#: between tags in a metadata field that holds one string (keywords)
KEYWORDS_SEPARATOR = ", "


class Part(NamedTuple):
    """One segment of a phrase: what it is (``role``) and its words.

    ``text`` is a string, or nested parts (a byline person holds its name,
    role and organisation). ``when`` is set on a segment that shows a date,
    so a format can also give it machine-readable (HTML ``<time datetime>``).
    """

    role: str | None
    text: str | tuple[Part, ...]
    when: datetime | date | None = None


Parts = tuple[Part, ...]


def parts_text(parts: Iterable[Part]) -> str:
    """The plain text of segments: their words joined, nothing added."""
    return "".join(p.text if isinstance(p.text, str) else parts_text(p.text) for p in parts)


def labels(language: str) -> dict[str, str]:
    """The rendering's own words in ``language`` (English when not translated)."""
    return LABELS.get(language.split("-")[0].lower(), LABELS["en"])


def _joined(items: Iterable[Part], separator: Part) -> Parts:
    out: list[Part] = []
    for item in items:
        if out:
            out.append(separator)
        out.append(item)
    return tuple(out)


# --- people ------------------------------------------------------------------------


def person_parts(person: Person, kind: str = "byline") -> Parts:
    """``Name, role, organisation``; roles ``<kind>-name``, ``-role``, ``-org``."""
    named = ((f"{kind}-name", person.name), (f"{kind}-role", person.role),
             (f"{kind}-org", person.organisation))
    return _joined((Part(role, text) for role, text in named if text),
                   Part(None, PERSON_SEPARATOR))


def person_text(person: Person) -> str:
    """``Name, role, organisation`` -- how a person reads in a byline or attribution."""
    return parts_text(person_parts(person))


def byline_parts(bylines: Iterable[Person]) -> Parts:
    """All bylines on one line, in order: ``byline-person`` parts between ``byline-sep``."""
    return _joined((Part("byline-person", person_parts(p)) for p in bylines),
                   Part("byline-sep", BYLINE_SEPARATOR))


def byline_text(bylines: Iterable[Person]) -> str:
    """All bylines on one line, in order."""
    return parts_text(byline_parts(bylines))


def authors_text(bylines: Iterable[Person]) -> str:
    """The authors' names for a one-string metadata field: ``Ana; Bo``."""
    return AUTHORS_SEPARATOR.join(p.name for p in bylines)


def attribution_parts(person: Person) -> Parts:
    """The line under a quote: ``— Name, role`` (roles ``attribution-name``...)."""
    return (Part(None, ATTRIBUTION_DASH), *person_parts(person, "attribution"))


def attribution_text(person: Person) -> str:
    """The line under a quote: ``— Name, role``."""
    return parts_text(attribution_parts(person))


# --- pictures -------------------------------------------------------------------------


def caption_parts(image: Image) -> Parts:
    """Caption and credit as one line: ``caption (credit)``; roles ``caption``, ``credit``."""
    out: list[Part] = []
    if image.caption:
        out.append(Part("caption", image.caption))
    if image.credit:
        out += [Part(None, " (" if out else "("), Part("credit", image.credit), Part(None, ")")]
    return tuple(out)


def caption_text(image: Image) -> str:
    """Caption and credit as one line: ``caption (credit)``."""
    return parts_text(caption_parts(image))


def figure_label(number: int, language: str = "en") -> str:
    """A picture's number as a reader sees it: ``Figure 3``."""
    return f"{labels(language)['figure']} {number}"


def figure_caption_parts(number: int, image: Image, language: str = "en") -> Parts:
    """``Figure N: caption (credit)``; the number is the ``figure-number`` segment
    (DOCX puts a SEQ field there for Word's table of figures)."""
    head = (Part("figure-label", labels(language)["figure"]), Part(None, " "),
            Part("figure-number", str(number)))
    caption = caption_parts(image)
    return (*head, Part(None, FIGURE_SEPARATOR), *caption) if caption else head


# --- header lines ------------------------------------------------------------------------


def rubric_parts(section: str | None, kicker: str | None) -> Parts:
    """``Section | Kicker`` above the headline; roles ``section``, ``rubric-sep``, ``kicker``."""
    named = [Part(role, text) for role, text in (("section", section), ("kicker", kicker)) if text]
    return _joined(named, Part("rubric-sep", RUBRIC_SEPARATOR))


def rubric_text(section: str | None, kicker: str | None) -> str:
    """``Section | Kicker`` (empty when there is neither)."""
    return parts_text(rubric_parts(section, kicker))


def format_date(value: datetime | date, language: str = "en") -> str:
    """How a date (and time, in its own UTC offset) is printed.

    English: ``2 March 2026, 18:30 UTC+01:00``; other languages (no month
    names translated yet): ``2026-03-02, 18:30 UTC+01:00``. A date without a
    time is just the day. The offset is the article's own: a reader sees the
    time the newsroom wrote, never this machine's zone.
    """
    english = language.split("-")[0].lower() == "en"
    if english:
        day = f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    else:
        day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if not isinstance(value, datetime):
        return day
    offset = value.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{day}, {value:%H:%M} {zone}"


def date_line_parts(published: datetime | None, updated: datetime | None,
                    language: str = "en") -> Parts:
    """``Published <date> · Updated <date>``; roles ``published``, ``dates-sep``,
    ``updated``, each date segment carrying its value in ``when``."""
    words = labels(language)
    dated = [Part(key, f"{words[key]} {format_date(value, language)}", value)
             for key, value in (("published", published), ("updated", updated)) if value]
    return _joined(dated, Part("dates-sep", DATES_SEPARATOR))


def date_line_text(published: datetime | None, updated: datetime | None,
                   language: str = "en") -> str:
    """``Published <date> · Updated <date>`` (empty when there is neither)."""
    return parts_text(date_line_parts(published, updated, language))


def edition_title_text(headlines: Iterable[str]) -> str:
    """The title of an edition without one: its headlines joined."""
    return TITLE_SEPARATOR.join(headlines)


def keywords_text(tags: Iterable[str]) -> str:
    """Tags for a one-string keywords field: ``tram, city``."""
    return KEYWORDS_SEPARATOR.join(tags)


# --- corrections ----------------------------------------------------------------------------


def _instant(value: datetime | date) -> float:
    """When a correction happened; a date without a time is midnight UTC (not local
    time, so the order is the same on every machine)."""
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()


def sorted_corrections(corrections: Iterable[Correction]) -> list[Correction]:
    """Newest first, as DESIGN.md asks; dates without a time sort as midnight UTC."""
    return sorted(corrections, key=lambda c: _instant(c.date), reverse=True)


def correction_parts(correction: Correction, language: str = "en") -> Parts:
    """``<date>: <text>``; the date segment carries ``when``, the colon is ``correction-sep``."""
    return (Part(None, format_date(correction.date, language), correction.date),
            Part("correction-sep", CORRECTION_SEPARATOR), Part(None, correction.text))


def correction_text(correction: Correction, language: str = "en") -> str:
    """``<date>: <text>``."""
    return parts_text(correction_parts(correction, language))


# --- inline text --------------------------------------------------------------------------------


def inline_text(content: Inline) -> str:
    """The plain text of an inline (breaks become newlines)."""
    if isinstance(content, str):
        return content
    out: list[str] = []
    for node in content:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, Break):
            out.append("\n")
        else:
            out.append(inline_text(node.content))
    return "".join(out)


__all__ = [
    "FIGURE_SEQUENCE", "LABELS", "Part", "Parts", "attribution_parts", "attribution_text", "authors_text",
    "byline_parts", "byline_text", "caption_parts", "caption_text", "correction_parts",
    "correction_text", "date_line_parts", "date_line_text", "edition_title_text",
    "figure_caption_parts", "figure_label", "format_date", "inline_text", "keywords_text",
    "labels", "parts_text", "person_parts", "person_text", "rubric_parts", "rubric_text",
    "sorted_corrections",
]
