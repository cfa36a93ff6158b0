"""Scraped plain text: what a copy-paste or a text dump of a news page gives.

The reading is line based and conservative (docs/readers.md has the rules):

- site chrome is dropped only as *whole lines* that match a short list
  ("Skip to main content", "Advertisement", "Share this article"...);
- the first remaining line is the headline; after it, lines that are
  recognisably a byline ("By ..."), a date, a photo caption with a credit
  (``... (AA)``, ``... Photo: Name``) or a standfirst are taken as such;
- everything else is body, verbatim (only the ends of lines are trimmed):
  one paragraph per line, or per block when the block is hard-wrapped text;
  bullet or numbered lines become lists, short unpunctuated lines between
  paragraphs become headings.

When a line could be either header or body, it stays body: text is never
dropped or rewritten. A photo caption means the page had a photo; the text
has no file name for it, so ``lead_image.src`` is ``<file stem>.jpg`` next
to the text, and its alt text is the caption (with a warning), since a
scraped text carries no alt text.

The line rules themselves (what is chrome, a credit, a byline, a date) are in
:mod:`.rules`; this module puts the recognised lines in their places.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.readers import Reader, build_article, decode_utf8
from exporter.readers.language import article_text, guess_language
from exporter.readers.text.rules import (
    DateLine,
    credit_only,
    is_breadcrumb,
    is_chrome,
    is_link_list_heading,
    labelled_caption,
    parse_byline,
    parse_date_line,
    parse_timestamp,
    split_caption,
)
from exporter.readers.text.scripts import (
    CLOSERS,
    SENTENCE_MARKS,
    join_wrapped,
    starts_cjk,
    width,
    word_count,
)

if TYPE_CHECKING:
    from exporter.model import Article

# The tests and the HTML, ninjs and html_meta readers import the line rules from
# here; they keep working whichever module a rule lives in.
__all__ = [
    "DateLine",
    "TextReader",
    "credit_only",
    "ends_sentence",
    "is_chrome",
    "parse_byline",
    "parse_date_line",
    "parse_text",
    "parse_timestamp",
    "split_caption",
]

log = logging.getLogger("exporter")

# --- the reader ---------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…:;" + SENTENCE_MARKS + r"][" + CLOSERS + r"]*$")
_BULLET = re.compile(r"^(?:[•●▪◦‣∙·*–-])\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^(?P<n>\d{1,2})[.)]\s+(?P<text>\S.*)$")
_TAGS = re.compile(r"^(?:topics|tags|keywords|filed under)\s*:\s*(?P<tags>\S.*)$", re.I)
_RIGHTS = re.compile(r"^(?:©|\(c\)\s*\d{4}|copyright\s+(?:©\s*)?\d{4})", re.I)


def ends_sentence(line: str) -> bool:
    return _SENTENCE_END.search(line.rstrip()) is not None


class TextReader(Reader):
    name = "text"
    suffixes = (".txt",)
    description = "scraped plain text (site chrome dropped, header recognised)"

    def read(self, data: bytes, origin: str | Path | None = None) -> Article:
        text = decode_utf8(data, origin)
        return build_article(parse_text(text, origin), origin)


def parse_text(text: str, origin: str | Path | None = None) -> dict[str, Any]:
    """Scraped text -> the canonical JSON form (a plain dict)."""
    source = str(origin) if origin is not None else "<input>"
    # Lines, trimmed at both ends; chrome lines become block breaks.
    lines: list[str | None] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = raw.strip()
        lines.append(None if not stripped or is_chrome(stripped) else stripped)
    _drop_link_lists(text, lines)
    # Leading breadcrumbs (News › Middle East) are navigation.
    while lines and (lines[0] is None or is_breadcrumb(lines[0] or "")):
        lines.pop(0)
    # (line, starts_block) pairs
    seq: list[tuple[str, bool]] = []
    fresh = True
    for line in lines:
        if line is None:
            fresh = True
        else:
            seq.append((line, fresh))
            fresh = False
    doc: dict[str, Any] = {}
    if not seq:
        return doc  # build_article reports the missing headline
    seq, trailer = _split_trailer(seq, doc)
    pos = 0
    while pos < len(seq) and (parse_date_line(seq[pos][0]) or parse_byline(seq[pos][0])):
        _header_item(seq[pos][0], doc, source)
        pos += 1
    if pos >= len(seq):
        return doc
    # Section names of the site's navigation (one or two words) before the headline.
    while pos + 1 < len(seq) and word_count(seq[pos][0]) <= 2 and not ends_sentence(seq[pos][0]) \
            and any(word_count(x) >= 3 for x, _ in seq[pos + 1:pos + 8]):
        pos += 1
    doc["headline"] = seq[pos][0]
    pos = _read_header(seq, pos + 1, doc, source, origin)
    doc["body"] = _body(seq[pos:])
    doc.update(trailer)
    _guess_language(text, doc, source)
    return doc


def _drop_link_lists(text: str, lines: list[str | None]) -> None:
    """Headlines listed under a trailing 'Related articles' (or 'Most read') line are chrome."""
    raw = [x.strip() for x in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    for i in range(len(raw) - 1, -1, -1):
        if not is_link_list_heading(raw[i]):
            continue
        after = [j for j in range(i + 1, len(lines)) if lines[j] is not None
                 and not _TAGS.match(lines[j] or "") and not _RIGHTS.match(lines[j] or "")]
        if after and all(len(lines[j] or "") <= 140 and not ends_sentence(lines[j] or "")
                         for j in after):
            for j in after:
                lines[j] = None
        return


def _split_trailer(seq: list[tuple[str, bool]], doc: dict[str, Any]
                   ) -> tuple[list[tuple[str, bool]], dict[str, Any]]:
    """Tags and copyright lines at the end of the text are metadata, not body."""
    trailer: dict[str, Any] = {}
    while len(seq) > 1:
        line = seq[-1][0]
        m = _TAGS.match(line)
        if m and "tags" not in trailer:
            trailer["tags"] = [t.strip() for t in re.split(r"[,;|]", m["tags"]) if t.strip()]
        elif _RIGHTS.match(line) and len(line) <= 200 and "rights" not in trailer:
            trailer["rights"] = line
        else:
            break
        seq = seq[:-1]
    return seq, trailer


def _header_item(line: str, doc: dict[str, Any], source: str) -> bool:
    """Take a byline or a date line into ``doc``; False if ``line`` is neither."""
    people = parse_byline(line)
    if people is not None and "bylines" not in doc:
        doc["bylines"] = people
        return True
    date = parse_date_line(line)
    if date is not None:
        if date.value is None:
            log.warning("%s: %s: %r has no time with a UTC offset; left out (a naive time is "
                        "ambiguous)", source, date.field, date.text)
        elif date.field not in doc:
            doc[date.field] = date.value.isoformat()
        return True
    return False


def _read_header(seq: list[tuple[str, bool]], pos: int, doc: dict[str, Any], source: str,
                 origin: str | Path | None) -> int:
    """Bylines, dates, standfirst and the lead photo's caption after the headline."""
    image: dict[str, str | None] | None = None
    while pos < len(seq):
        line = seq[pos][0]
        following = seq[pos + 1][0] if pos + 1 < len(seq) else None
        if _header_item(line, doc, source):
            pos += 1
            continue
        if image is None:
            labelled = labelled_caption(line)
            credit_first = credit_only(line)
            if labelled or (credit_first and following and labelled_caption(following)):
                if labelled:
                    caption = labelled
                    credit = credit_only(following) if following else None
                    split = split_caption(caption) if credit is None else None
                    if split:
                        caption, credit = split
                    image = {"caption": caption, **({"credit": credit} if credit else {})}
                    pos += 2 if credit and not split else 1
                else:
                    image = {"caption": labelled_caption(following or "") or "",
                             "credit": credit_first}
                    pos += 2
                continue
            split = split_caption(line)
            if split is not None:
                image = {"caption": split[0], "credit": split[1]}
                pos += 1
                continue
            credit = credit_only(following) if following else None
            if credit is not None:
                image = {"caption": line, "credit": credit}
                pos += 2
                continue
        if "standfirst" not in doc and image is None and _is_standfirst(seq, pos):
            doc["standfirst"] = line
            pos += 1
            continue
        break
    if image is not None:
        stem = Path(origin).stem if origin is not None else "lead"
        log.warning("%s: lead_image.alt: plain text has no alt text; the caption stands in "
                    "(write a real one)", source)
        doc["lead_image"] = {"src": f"{stem}.jpg", "alt": image["caption"], **image}
    return pos


def _is_standfirst(seq: list[tuple[str, bool]], pos: int) -> bool:
    """The line after the headline is a standfirst only with evidence; else it is body."""
    line = seq[pos][0]
    rest = seq[pos + 1:]
    if not rest:
        return False
    nxt = rest[0][0]
    if parse_byline(nxt) or parse_date_line(nxt) or split_caption(nxt):
        return True
    if len(rest) > 1 and credit_only(rest[1][0]) and not ends_sentence(nxt):
        return True  # standfirst, then a caption line with its credit on the next line
    # No closing punctuation, and a line of its own (not the first line of wrapped text).
    return rest[0][1] and not ends_sentence(line) and not _BULLET.match(line) \
        and not _NUMBERED.match(line)


def _body(seq: list[tuple[str, bool]]) -> list[dict[str, Any]]:
    # Blocks of lines separated by blank (or chrome) lines.
    blocks: list[list[str]] = []
    for line, starts in seq:
        if starts or not blocks:
            blocks.append([])
        blocks[-1].append(line)
    units: list[str] = []  # one paragraph-to-be per entry
    for block in blocks:
        if _hard_wrapped(block):
            units.append(join_wrapped(block))
        else:
            units.extend(block)
    out: list[dict[str, Any]] = []
    i = 0
    while i < len(units):
        line = units[i]
        kind = _BULLET if _BULLET.match(line) else _NUMBERED if _NUMBERED.match(line) else None
        if kind is not None:
            j = i
            items: list[str] = []
            while j < len(units) and (m := kind.match(units[j])):
                items.append(m["text"])
                j += 1
            if len(items) >= 2:
                out.append({"type": "list", "ordered": kind is _NUMBERED, "items": items})
                i = j
                continue
        if 0 < i < len(units) - 1 and _is_heading(line) and not _is_heading(units[i + 1]):
            out.append({"type": "heading", "level": 2, "content": line})
        else:
            out.append({"type": "paragraph", "content": line})
        i += 1
    return out


def _hard_wrapped(block: list[str]) -> bool:
    """Several lines of one paragraph wrapped at a fixed width (e-mail style)."""
    if len(block) < 2 or any(width(x) > 100 for x in block):
        return False
    if any(_BULLET.match(x) or _NUMBERED.match(x) for x in block):
        return False
    return all(width(x) >= 45 for x in block[:-1])


def _is_heading(line: str) -> bool:
    words = word_count(line)
    return (width(line) <= 80 and 1 <= words <= 10 and (line[:1].isupper() or starts_cjk(line))
            and not re.search(r"[.,;:!?…，、" + SENTENCE_MARKS + CLOSERS + r"]$", line)
            and not _BULLET.match(line))


def _guess_language(text: str, doc: dict[str, Any], source: str) -> None:
    """Plain text names no language: guess it from the article's text (one warning)."""
    doc["language"] = guess_language(article_text(doc) or text, source)
