"""The line rules of the plain-text reader: chrome, credits, captions, bylines, dates.

Each rule looks at one line (stripped) and answers only when the whole line
fits: a line that merely *contains* "Advertisement" or a date is article
text, and :mod:`.text` keeps it. :mod:`.text` decides where in the article a
recognised line goes; these rules only recognise. ``parse_timestamp`` is
also the HTML and ninjs readers' one parser of ISO 8601 instants.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

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
# A breadcrumb is crumbs of 1-80 characters without sentence punctuation, joined
# by a spaced separator. It is checked by splitting on the separator, not by one
# regex: ``[^.!?]{1,80}(?:\s[›»>/|]\s[^.!?]{1,80})+`` lets a crumb swallow
# separators, and a line like ``a / a / ... x.`` then took exponential time.
_CRUMB_SEPARATOR = re.compile(r"\s[›»>/|]\s")
_SENTENCE_PUNCTUATION = re.compile(r"[.!?]")
_MAX_CRUMB = 80
_NO_TEXT = re.compile(r"^[\W_]+$")
#: the longest line a whole-line rule (chrome phrase, date line) looks at; real
#: ones are under 100 characters, and the bound keeps the regexes' backtracking small
_MAX_RULE_LINE = 200


def is_chrome(line: str) -> bool:
    """True if ``line`` (stripped) is site chrome, never article text."""
    core = line.strip().rstrip(":›»>|…").strip()
    if not core or _NO_TEXT.match(core):
        return True
    # No chrome phrase is longer than _MAX_RULE_LINE; the cap also bounds the
    # backtracking of _CHROME's ``\s*[-:|]?\s*`` on a long line of spaces.
    if (len(core) <= _MAX_RULE_LINE and _CHROME.match(core)) or _CHROME_PREFIX.match(line.strip()):
        return True
    return len(line) <= 200 and _COOKIE.search(line) is not None and \
        _COOKIE_BANNER.search(line) is not None



def is_breadcrumb(line: str) -> bool:
    """``News › Middle East``: the site's navigation trail, not a headline."""
    if _SENTENCE_PUNCTUATION.search(line):
        return False
    parts = _CRUMB_SEPARATOR.split(line)
    if len(parts) < 2:
        return False
    crumbs: list[str] = []
    pending = ""  # an empty part (two separators sharing a space) joins the next crumb
    for part, sep in zip(parts, [*_CRUMB_SEPARATOR.findall(line), ""], strict=True):
        pending += part
        if pending:
            crumbs.append(pending)
            pending = ""
        elif sep:
            pending = sep
    if pending:
        crumbs.append(pending)
    return len(crumbs) >= 2 and all(len(c) <= _MAX_CRUMB for c in crumbs)


_LINK_LIST = re.compile(r"^(?:related(?: articles| stories| content| coverage| topics)?|topics|most (?:read|popular|viewed"
                        r"|shared)|more (?:stories|on this story|news)|recommended(?: for you| stories)?"
                        r"|you (?:may|might) also (?:like|be interested in)|trending(?: now)?"
                        r"|top stories|latest (?:news|stories)|read (?:more|next))\W*$", re.I)


def is_link_list_heading(line: str) -> bool:
    """``Related articles``, ``Most read``...: the lines under it are other pages' headlines."""
    return _LINK_LIST.match(line) is not None


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



def labelled_caption(line: str) -> str | None:
    """``Image caption, Boats at dusk`` (as BBC pages copy out) -> the caption, else None."""
    m = _CAPTION_LABEL.match(line)
    return m["caption"] if m else None


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
_DATE_PREFIX = r"(?:(?P<label>first published|published|updated|last updated|last modified|posted|modified)(?: on| at)?\s*(?::\s*)?)?"
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
    if len(text) > _MAX_RULE_LINE:  # a date line is short; the forms backtrack cubically on spaces
        return None
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

