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
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import Reader, build_article, decode_utf8

if TYPE_CHECKING:
    from ..model import Article

log = logging.getLogger("exporter")

# --- chrome: whole lines, case-insensitive ---------------------------------------------

_SOCIAL = r"facebook|twitter|x|whatsapp|linkedin|e-?mail|messenger|telegram|reddit|pinterest|bluesky|threads"
_CHROME = re.compile(r"^(?:" + "|".join([
    r"skip to (?:the )?(?:main )?(?:content|navigation|search|footer|article)",
    r"jump to (?:main )?content",
    r"advertisements?|advert|ads?|sponsored(?: content)?|paid (?:post|content)|promoted( content)?",
    r"(?:story|article) continues (?:below|after)(?: this)?(?: advertisement| ad)?",
    r"advertisement\s*[-–—:|]?\s*(?:scroll|continue) (?:down )?to continue(?: reading)?",
    r"scroll (?:down )?to continue(?: reading)?|continue reading(?: below| the main story)?",
    r"(?:main |open |close )?menu|toggle (?:navigation|menu)|navigation|search|close|home",
    r"back to top|top of page|(?:more )?sections",
    r"share(?: this)?(?: article| story| page| post)?|share (?:on|via|to) (?:" + _SOCIAL + r")",
    r"tweet|" + _SOCIAL + r"|print(?: this (?:page|article|story))?|copy link|link copied|save(?: article)?",
    r"read more|read more (?:about|on) this|related(?: articles| stories| content| coverage| topics)?",
    r"more (?:stories|on this story|news|from (?:this|our) (?:section|site|author))",
    r"you (?:may|might) also (?:like|be interested in)|recommended(?: for you| stories)?",
    r"most (?:read|popular|viewed|shared)|trending(?: now)?|top stories|latest (?:news|stories)",
    r"sign ?in|sign ?up|log ?in|log ?out|register|my account|account|subscribe(?: now| today)?",
    r"become a (?:member|subscriber|supporter)|support (?:us|our journalism)|donate",
    r"newsletters?|sign up (?:for|to) (?:our|the) .{0,40}newsletters?|get (?:our|the) .{0,40}newsletter",
    r"follow us(?: on .{1,30})?|follow(?: the author)?",
    r"listen(?: to this article)?(?: \d+ min(?:ute)?s?)?|play(?: video)?|watch(?: video| now)?",
    r"\d+ min(?:ute)?s? (?:read|listen)|reading time:? \d+ min(?:ute)?s?",
    r"(?:(?:updated|published|posted) )?\d+ (?:minutes?|mins?|hours?|hrs?|days?) ago",
    r"about sharing|accessibility links|close (?:panel|menu|search|dialog)|your account",
    r"watch live|live|photo gallery|enlarge(?: this)?(?: image| photo)?|expand (?:image|photo)",
    r"image|photo|video|gallery|enlarge(?: this image)?|toggle caption|hide caption|expand",
    r"(?:view|open) (?:image )?gallery|comments?|\d+ comments?|(?:view|show|hide|read) comments",
    r"leave a comment|join the (?:conversation|discussion)|loading\W*",
    r"accept(?: all)?(?: cookies)?|reject(?: all)?(?: cookies)?|manage (?:cookies|preferences)",
    r"cookie (?:settings|policy|preferences|notice|consent)",
]) + r")$", re.I)
_CHROME_PREFIX = re.compile(r"^(?:read more|related|also read|see also|read also|more on this)\s*[:»›>]\s*\S.*$", re.I)
_COOKIE = re.compile(r"\bcookies?\b", re.I)
_COOKIE_BANNER = re.compile(r"^(?:we use cookies\b|this (?:site|website) uses cookies\b)"
                            r"|\b(?:accept|reject|manage)\b.*\bcookies?\b|\bcookies?\b.*\b(?:settings|policy|preferences|consent)\b", re.I)
_BREADCRUMB = re.compile(r"^[^.!?]{1,80}(?:\s[›»>/|]\s[^.!?]{1,80})+$")
_NO_TEXT = re.compile(r"^[\W_]+$")


def is_chrome(line: str) -> bool:
    """True if ``line`` (stripped) is site chrome, never article text."""
    core = line.strip().rstrip(":›»>|…").strip()
    if not core or _NO_TEXT.match(core):
        return True
    if _CHROME.match(core) or _CHROME_PREFIX.match(line.strip()):
        return True
    return len(line) <= 200 and _COOKIE.search(line) is not None and \
        _COOKIE_BANNER.search(line) is not None


# --- credits and captions ----------------------------------------------------------

_CREDIT_LABEL = (r"(?:(?:photo|image|picture) (?:credit|source|copyright)|photo(?:graph)?s?|pictures?"
                 r"|image|credit|foto|illustration|graphic)")
_TRAILING_LABEL = re.compile(r"^(?P<caption>.*?\S)\s*(?:[|–—-]\s*)?\b" + _CREDIT_LABEL
                             + r"\s*:\s*(?P<credit>[^:]{1,80})$", re.I)
_TRAILING_PARENS = re.compile(r"^(?P<caption>.*\S)\s+\((?P<credit>[^()]{1,80})\)$")
_CREDIT_ONLY = re.compile(r"^(?:" + _CREDIT_LABEL + r"\s*:|(?:photo|picture|image)s?\s+by"
                          r"|image (?:source|copyright)\s*,?)\s*(?P<credit>\S.{0,79})$", re.I)
_CAPTION_LABEL = re.compile(r"^(?:image caption|caption)\s*[,:]\s*(?P<caption>\S.*)$", re.I)
_LABEL_IN_PARENS = re.compile(r"^(?:" + _CREDIT_LABEL + r"\s*:|(?:photo|picture|image)s?\s+by)\s*", re.I)
_PARENS_ONLY = re.compile(r"^\((?P<credit>[^()]{1,80})\)$")


def _looks_like_credit(text: str) -> bool:
    text = text.strip()
    words = text.split()
    return 0 < len(words) <= 8 and not text.endswith((".", "!", "?", ",", ";")) \
        and not re.search(r"\d{3,}", text.replace("/", ""))


def split_caption(line: str) -> tuple[str, str] | None:
    """``caption (Credit)`` / ``caption Photo: Credit`` -> (caption, credit), else None."""
    m = _TRAILING_PARENS.match(line)
    if m:
        credit = _LABEL_IN_PARENS.sub("", m["credit"].strip())
        if _looks_like_credit(credit) and _has_credit_shape(credit):
            return m["caption"], credit
    m = _TRAILING_LABEL.match(line)
    if m and _looks_like_credit(m["credit"]) and not m["credit"].rstrip().endswith(")"):
        return m["caption"].rstrip(" |–—-"), m["credit"].strip()
    return None


def _has_credit_shape(credit: str) -> bool:
    """A parenthesised credit: agency or person names, capitalised (AA, Reuters/Ana Costa)."""
    words = [w for w in re.split(r"[\s/,&]+", credit.strip()) if w]
    if not words or not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w.lower() in _NAME_PARTICLES or not w[:1].isalpha() for w in words)


def credit_only(line: str) -> str | None:
    """A line that is only a credit (``Photo: Ana Costa``, ``(AA)``), else None."""
    m = _CREDIT_ONLY.match(line) or _PARENS_ONLY.match(line)
    if m:
        credit = _LABEL_IN_PARENS.sub("", m["credit"].strip())
        if _looks_like_credit(credit):
            return credit
    return None


# --- bylines ------------------------------------------------------------------------

_NAME_PARTICLES = {"de", "da", "do", "dos", "das", "del", "della", "di", "du", "van", "von", "der",
                   "den", "la", "le", "al", "el", "bin", "ibn", "ben", "y", "e", "of", "and",
                   "via", "for"}
_BYLINE = re.compile(r"^(?:by|words by|written by|text by|von|par|por)\s+(?P<who>\S.{1,148})$", re.I)
_PERSON_SPLIT = re.compile(r"\s+(?:and|&|und|et|y)\s+|\s*[·|;]\s*")


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 5:
        return False
    return all(w[:1].isupper() or w.lower() in _NAME_PARTICLES or w[:2].lower() in ("o'", "ó ")
               for w in words) and not any(c.isdigit() for c in text)


def parse_byline(line: str) -> list[dict[str, str]] | None:
    """``By Name, role and Name`` -> persons, or None if the line is not a byline."""
    m = _BYLINE.match(line.strip())
    if not m or line.rstrip().endswith((".", "!", "?", ":")):
        return None
    people: list[dict[str, str]] = []
    for part in _PERSON_SPLIT.split(m["who"].strip()):
        if not part.strip():
            continue
        name, _, role = part.partition(",")
        if not _is_name(name.strip()):
            return None
        person = {"name": name.strip()}
        if role.strip():
            person["role"] = role.strip()
        people.append(person)
    return people or None


# --- dates --------------------------------------------------------------------------

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_ZONES = {"gmt": 0, "utc": 0, "z": 0, "bst": 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180,
          "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
          "pst": -480, "pdt": -420, "ast": 180, "msk": 180, "ist": 330, "jst": 540}
_DATE_PREFIX = r"(?:(?P<label>first published|published|updated|last updated|last modified|posted|modified)(?: on| at)?\s*:?\s*)?"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = r"(?:,?\s*(?:at\s+)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?)?"
_ZONE = r"(?:\s*(?P<zone>[A-Za-z]{1,5}|[+-]\d{2}:?\d{2}|(?:GMT|UTC)[+-]\d{1,2}(?::?\d{2})?))?"
_DATE_FORMS = [
    re.compile(r"^" + _DATE_PREFIX + r"(?P<iso>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
               r"(?:Z|[+-]\d{2}:?\d{2})?)?)$", re.I),
    re.compile(r"^" + _DATE_PREFIX + _WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[a-z]{3,9})\.?,?\s+(?P<y>\d{4})"
               + _TIME + _ZONE + r"$", re.I),
    re.compile(r"^" + _DATE_PREFIX + _WEEKDAY + r"(?P<mon>[a-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"
               + _TIME + _ZONE + r"$", re.I),
]


_NUMERIC_DATE = re.compile(r"^" + _DATE_PREFIX + _WEEKDAY + r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
                           r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?)?(?:\s*[A-Z]{2,5})?$", re.I)


class DateLine:
    """A recognised date line: which field it names and its value (None when naive)."""

    def __init__(self, field: str, value: datetime | None, text: str) -> None:
        self.field, self.value, self.text = field, value, text


def parse_timestamp(text: str) -> datetime | None:
    """An ISO 8601 instant with an offset (``Z`` allowed); None if naive or unparsable."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def parse_date_line(line: str) -> DateLine | None:
    """A whole line that is only a date (optionally 'Published ...'), else None."""
    text = line.strip()
    for form in _DATE_FORMS:
        m = form.match(text)
        if not m:
            continue
        label = (m["label"] or "published").lower()
        field = "updated" if label in ("updated", "last updated", "last modified", "modified") else "published"
        if m.groupdict().get("iso"):
            return DateLine(field, parse_timestamp(m["iso"]), text)
        month = _MONTHS.get(m["mon"][:3].lower())
        if month is None:
            return None
        return DateLine(field, _build_date(m, month), text)
    m = _NUMERIC_DATE.match(text)
    if m:  # 20/10/2015: day and month order unknown, no zone: never usable
        label = (m["label"] or "published").lower()
        return DateLine("updated" if "updated" in label or "modified" in label else "published",
                        None, text)
    return None


def _build_date(m: re.Match[str], month: int) -> datetime | None:
    if m["h"] is None or m["zone"] is None:
        return None  # a day without a time, or a time without a zone: naive
    hour = int(m["h"])
    ampm = (m["ampm"] or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    zone = m["zone"]
    offset = _ZONES.get(zone.lower())
    if offset is None:
        z = re.match(r"^(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?$", zone, re.I)
        if not z:
            return None
        offset = (int(z[2]) * 60 + int(z[3] or 0)) * (1 if z[1] == "+" else -1)
    try:
        return datetime(int(m["y"]), month, int(m["d"]), hour, int(m["mi"]), int(m["s"] or 0),
                        tzinfo=timezone(timedelta(minutes=offset)))
    except ValueError:
        return None


# --- the reader ---------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…:;]['\"’”»)\]]*$|[.!?…]$")
_BULLET = re.compile(r"^(?:[•●▪◦‣∙·*–-])\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^(?P<n>\d{1,2})[.)]\s+(?P<text>\S.*)$")
_TAGS = re.compile(r"^(?:topics|tags|keywords|filed under)\s*:\s*(?P<tags>\S.*)$", re.I)
_RIGHTS = re.compile(r"^(?:©|\(c\)\s*\d{4}|copyright\s+(?:©\s*)?\d{4})", re.I)
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_HEBREW = re.compile(r"[\u0590-\u05ff]")


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
        line = raw.strip()
        lines.append(None if not line or is_chrome(line) else line)
    _drop_link_lists(text, lines)
    # Leading breadcrumbs (News › Middle East) are navigation.
    while lines and (lines[0] is None or _BREADCRUMB.match(lines[0] or "")):
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
    while pos + 1 < len(seq) and len(seq[pos][0].split()) <= 2 and not ends_sentence(seq[pos][0]) \
            and any(len(x.split()) >= 3 for x, _ in seq[pos + 1:pos + 8]):
        pos += 1
    doc["headline"] = seq[pos][0]
    pos = _read_header(seq, pos + 1, doc, source, origin)
    doc["body"] = _body(seq[pos:])
    doc.update(trailer)
    _guess_language(text, doc, source)
    return doc


_LINK_LIST = re.compile(r"^(?:related(?: articles| stories| content| coverage| topics)?|topics|most (?:read|popular|viewed"
                        r"|shared)|more (?:stories|on this story|news)|recommended(?: for you| stories)?"
                        r"|you (?:may|might) also (?:like|be interested in)|trending(?: now)?"
                        r"|top stories|latest (?:news|stories)|read (?:more|next))\W*$", re.I)


def _drop_link_lists(text: str, lines: list[str | None]) -> None:
    """Headlines listed under a trailing 'Related articles' (or 'Most read') line are chrome."""
    raw = [x.strip() for x in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    for i in range(len(raw) - 1, -1, -1):
        if not _LINK_LIST.match(raw[i]):
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
    image: dict[str, str] | None = None
    while pos < len(seq):
        line = seq[pos][0]
        following = seq[pos + 1][0] if pos + 1 < len(seq) else None
        if _header_item(line, doc, source):
            pos += 1
            continue
        if image is None:
            labelled = _CAPTION_LABEL.match(line)
            credit_first = credit_only(line)
            if labelled or (credit_first and following and _CAPTION_LABEL.match(following)):
                if labelled:
                    caption = labelled["caption"]
                    credit = credit_only(following) if following else None
                    split = split_caption(caption) if credit is None else None
                    if split:
                        caption, credit = split
                    image = {"caption": caption, **({"credit": credit} if credit else {})}
                    pos += 2 if credit and not split else 1
                else:
                    cap = _CAPTION_LABEL.match(following or "")
                    image = {"caption": cap["caption"] if cap else "", "credit": credit_first}
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
            units.append(" ".join(block))
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
    if len(block) < 2 or any(len(x) > 100 for x in block):
        return False
    if any(_BULLET.match(x) or _NUMBERED.match(x) for x in block):
        return False
    return all(len(x) >= 45 for x in block[:-1])


def _is_heading(line: str) -> bool:
    words = line.split()
    return (len(line) <= 80 and 1 <= len(words) <= 10 and line[:1].isupper()
            and not re.search(r"[.,;:!?…'\"’”)\]]$", line) and not _BULLET.match(line))


def _guess_language(text: str, doc: dict[str, Any], source: str) -> None:
    letters = sum(ch.isalpha() for ch in text) or 1
    for pattern, lang in ((_ARABIC, "ar"), (_HEBREW, "he")):
        if len(pattern.findall(text)) > letters / 2:
            doc["language"] = lang
            log.warning("%s: language: plain text names no language; guessed %r from the script",
                        source, lang)
            return
