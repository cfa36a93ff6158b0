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

Words, separators and date patterns are per language: they come from the
style's catalogues (``styles/locales/<lang>.toml``, see
:mod:`exporter.rendering.locales` and ``docs/i18n.md``) -- the constants below
are the English ones, kept for callers that name them. A phrase about people
given no language takes its punctuation from the script of the names (an
Arabic byline is joined with "، " even when the caller did not say).

Text is never rewritten: no smart quotes, no case changes. The quotation
marks of each language are exposed (:func:`quotation_marks`) for a
typographic pass a house style may enable (``locale.toml``
``[typography] quotes``); nothing applies them to article text by default.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, NamedTuple

from exporter.model import Break, Correction, Image, Inline, Person
from exporter.rendering import locales
from exporter.rendering.locales import Quotes

if TYPE_CHECKING:
    from exporter.rendering.style import Style

#: the words every catalogue must have (``styles/locales/<lang>.toml`` ``[labels]``)
LABEL_KEYS = ("published", "updated", "corrections", "contents", "figure", "by", "page")

#: between two people of a byline, and between the published and updated dates
#: (English; each catalogue's ``[punctuation]`` may say otherwise)
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


def labels(language: str, style: Style | None = None) -> dict[str, str]:
    """The rendering's own words in ``language``: its catalogue, falling back by
    subtag and then to English (with one warning per language)."""
    return dict(locales.catalogue(language, style).labels)


def _punctuation(language: str | None, sample: str = "") -> dict[str, object]:
    """The separators for ``language``, or -- when the caller gave none -- for the
    script ``sample`` is written in (so a byline reads the same in every format)."""
    return locales.catalogue(language or _script_language(sample)).punctuation


def _script_language(text: str) -> str:
    """A catalogue whose punctuation suits the script of ``text``: Arabic script ->
    ``ar``, kana -> ``ja``, Han -> ``zh``, Hangul -> ``ko``, else English."""
    if any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text):
        return "ar"
    if any("\u3040" <= ch <= "\u30ff" for ch in text):
        return "ja"
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "zh"
    if any("\uac00" <= ch <= "\ud7a3" for ch in text):
        return "ko"
    return locales.BASE


def _person_words(person: Person) -> str:
    return "".join(t for t in (person.name, person.role, person.organisation) if t)


def quotation_marks(language: str, style: Style | None = None) -> Quotes:
    """The quotation marks ``language`` uses (``« »`` fr, ``„ “`` de, ``「 」`` ja),
    primary and inner pair, for a typographic pass; never applied by default."""
    return locales.catalogue(language, style).quotes


def quote_text(text: str, language: str, inner: bool = False) -> str:
    """``text`` between ``language``'s quotation marks (the inner pair if ``inner``)."""
    marks = quotation_marks(language)
    return (f"{marks.inner_open}{text}{marks.inner_close}" if inner
            else f"{marks.open}{text}{marks.close}")


def list_text(items: Iterable[str], language: str) -> str:
    """Items of a list in running text, joined with ``language``'s list separator
    (``、`` zh/ja, ``، `` ar/fa/ur, ``, `` elsewhere)."""
    return str(_punctuation(language)["list_separator"]).join(items)


def page_label(language: str, style: Style | None = None) -> str:
    """The page counter's words with ``{page}`` and ``{pages}`` (``Page {page} of {pages}``)."""
    return locales.catalogue(language, style).labels["page"]


def _css_string(text: str) -> str:
    """``text`` as a CSS string, its spaces no-break."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    # six hex digits: the escape ends there even before a letter a-f (``de``)
    return '"' + escaped.replace(" ", "\\0000a0") + '"'


def page_counter_content(language: str, style: Style | None = None) -> str:
    """The page counter as a CSS ``content`` value: ``"Page\\00a0" counter(page) ...``
    (spaces become no-break spaces, so the counter never wraps)."""
    import re

    out: list[str] = []
    for piece in re.split(r"(\{pages?\})", page_label(language, style)):
        if piece == "{page}":
            out.append("counter(page)")
        elif piece == "{pages}":
            out.append("counter(pages)")
        elif piece:
            out.append(_css_string(piece))
    return " ".join(out)


def page_counter_css(language: str, style: Style | None = None) -> str:
    """CSS that words the PDF page counter in ``language``, placed where the
    default ``print.css`` puts it (bottom right; bottom left on right-to-left
    pages). The PDF writer adds it after the style's sheet."""
    content = page_counter_content(language, style)
    return (f"@page {{ @bottom-right {{ content: {content}; }} }}\n"
            f"@page rtl {{ @bottom-left {{ content: {content}; }} }}\n")


def _joined(items: Iterable[Part], separator: Part) -> Parts:
    out: list[Part] = []
    for item in items:
        if out:
            out.append(separator)
        out.append(item)
    return tuple(out)


# --- people ------------------------------------------------------------------------


def person_parts(person: Person, kind: str = "byline", language: str | None = None) -> Parts:
    """``Name, role, organisation``; roles ``<kind>-name``, ``-role``, ``-org``
    (``Name، role`` in Arabic script, ``名前、役職`` in Japanese...)."""
    named = ((f"{kind}-name", person.name), (f"{kind}-role", person.role),
             (f"{kind}-org", person.organisation))
    separator = str(_punctuation(language, _person_words(person))["person_separator"])
    return _joined((Part(role, text) for role, text in named if text), Part(None, separator))


def person_text(person: Person, language: str | None = None) -> str:
    """``Name, role, organisation`` -- how a person reads in a byline or attribution."""
    return parts_text(person_parts(person, language=language))


def byline_parts(bylines: Iterable[Person], language: str | None = None) -> Parts:
    """All bylines on one line, in order: ``byline-person`` parts between ``byline-sep``.

    Without ``language`` (how every format calls it, the template included) the
    separators follow the script of the names -- "، " for Arabic script, "、"
    between CJK bylines -- so DOCX, the PDF metadata, RSS and ``verify``, which
    know no language here, read exactly like the HTML.
    """
    people = list(bylines)
    sample = "".join(_person_words(p) for p in people)
    separator = str(_punctuation(language, sample)["byline_separator"])
    return _joined((Part("byline-person", person_parts(p, language=language or
                                                       _script_language(sample)))
                    for p in people), Part("byline-sep", separator))


def byline_text(bylines: Iterable[Person], language: str | None = None) -> str:
    """All bylines on one line, in order."""
    return parts_text(byline_parts(bylines, language))


def authors_text(bylines: Iterable[Person]) -> str:
    """The authors' names for a one-string metadata field: ``Ana; Bo``."""
    return AUTHORS_SEPARATOR.join(p.name for p in bylines)


def attribution_parts(person: Person, language: str | None = None) -> Parts:
    """The line under a quote: ``— Name, role`` (roles ``attribution-name``...)."""
    return (Part(None, ATTRIBUTION_DASH), *person_parts(person, "attribution", language))


def attribution_text(person: Person, language: str | None = None) -> str:
    """The line under a quote: ``— Name, role``."""
    return parts_text(attribution_parts(person, language))


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
    separator = str(_punctuation(language)["figure_separator"])
    return (*head, Part(None, separator), *caption) if caption else head


# --- header lines ------------------------------------------------------------------------


def rubric_parts(section: str | None, kicker: str | None) -> Parts:
    """``Section | Kicker`` above the headline; roles ``section``, ``rubric-sep``, ``kicker``."""
    named = [Part(role, text) for role, text in (("section", section), ("kicker", kicker)) if text]
    return _joined(named, Part("rubric-sep", RUBRIC_SEPARATOR))


def rubric_text(section: str | None, kicker: str | None) -> str:
    """``Section | Kicker`` (empty when there is neither)."""
    return parts_text(rubric_parts(section, kicker))


def format_date(value: datetime | date, language: str = "en") -> str:
    """How a date (and time, in its own UTC offset) is printed: as CLDR writes it
    in ``language`` (Babel), with the house style's pattern (``locale.toml``).

    Default: long date, short time, the offset in CLDR's short GMT format --
    en ``2 March 2026, 18:30 GMT+1``, fr ``2 mars 2026 à 18:30 UTC+1``, de
    ``2. März 2026, 18:30 GMT+1``, ja ``2026年3月2日 18:30 GMT+1``. A date
    without a time is just the day. The offset is the article's own: a reader
    sees the time the newsroom wrote, never this machine's zone.
    """
    return locales.format_when(value, language)


def date_line_parts(published: datetime | None, updated: datetime | None,
                    language: str = "en") -> Parts:
    """``Published <date> · Updated <date>``; roles ``published``, ``dates-sep``,
    ``updated``, each date segment carrying its value in ``when``."""
    words = labels(language)
    dated = [Part(key, f"{words[key]} {format_date(value, language)}", value)
             for key, value in (("published", published), ("updated", updated)) if value]
    return _joined(dated, Part("dates-sep", str(_punctuation(language)["dates_separator"])))


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
    separator = str(_punctuation(language)["correction_separator"])
    return (Part(None, format_date(correction.date, language), correction.date),
            Part("correction-sep", separator), Part(None, correction.text))


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
    "FIGURE_SEQUENCE", "LABEL_KEYS", "Part", "Parts", "Quotes", "attribution_parts", "attribution_text", "authors_text",
    "byline_parts", "byline_text", "caption_parts", "caption_text", "correction_parts",
    "correction_text", "date_line_parts", "date_line_text", "edition_title_text",
    "figure_caption_parts", "figure_label", "format_date", "inline_text", "keywords_text",
    "labels", "list_text", "page_counter_content", "page_counter_css", "page_label",
    "parts_text", "person_parts", "person_text", "quotation_marks", "quote_text",
    "rubric_parts", "rubric_text", "sorted_corrections",
]
