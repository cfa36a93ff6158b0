"""Text comparison rules of ``exporter verify``.

Two texts are the same when they are equal after :func:`norm`:

- Unicode NFC;
- soft hyphens (U+00AD) and bidi control marks (U+200E, U+200F,
  U+202A-U+202E, U+2066-U+2069) removed -- they are layout hints, not words;
- white space (including line and page breaks) collapsed to one space, ends trimmed.

Text extracted from a PDF also has its line ends undone (:func:`pdf_text`
marks them, :func:`pdf_contains` and :func:`pdf_has_word` accept them): a
word hyphenated across lines is re-joined (with or without the hyphen, which
the extracted text cannot tell apart), and a line break counts as a space or
as nothing, since lines also break where there is no space (between CJK
characters, after a dash or a slash), and a space next to a CJK character
may be missing (extractors infer spaces from glyph gaps). Anything else -- case, quotes,
punctuation, a changed or missing letter -- is a difference.
"""

from __future__ import annotations

import re
import unicodedata

#: characters ignored on both sides: soft hyphen and bidi control marks
IGNORED = "\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_IGNORED_RE = re.compile(f"[{IGNORED}]")


def norm(text: str | None) -> str:
    """``text`` as the contract compares it (see the module docstring)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _IGNORED_RE.sub("", text)
    return " ".join(text.split())


def same(a: str | None, b: str | None) -> bool:
    return norm(a) == norm(b)


def contains(haystack: str | None, needle: str | None) -> bool:
    """True when normalised ``needle`` occurs in normalised ``haystack``."""
    return norm(needle) in norm(haystack)


def shorten(text: str, width: int = 60) -> str:
    """A text cut to ``width`` characters for a message."""
    text = norm(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def quoted(text: str | None, width: int = 60) -> str:
    return repr(shorten(text or "", width))


def shown_as(actual: str | None, expected: str | None, width: int = 60) -> str:
    """``'actual'``, or where it departs from ``expected`` when it is too long to show."""
    a, e = norm(actual), norm(expected)
    if len(a) <= width:
        return repr(a)
    return first_difference(e, a)


def first_difference(expected: str, actual: str) -> str:
    """Where ``actual`` departs from ``expected`` (both normalised), with some context."""
    a, b = norm(expected), norm(actual)
    if a == b:
        return "the same"
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    start = max(0, i - 15)
    return f"{b[start:i + 25]!r}… (at character {i}, expected {a[start:i + 25]!r}…)"


# --- PDF text ---------------------------------------------------------------------------

#: marks a hyphen at the end of a PDF line: the word may be read with or without it
LINE_HYPHEN = "\x00"
#: marks a line or page break: it matches a space, or nothing
LINE_BREAK = "\x01"
_HYPHENS = "-\u2010"
# a word character, a hyphen, the end of a line, then a word character on the next line
_LINE_END_HYPHEN_RE = re.compile(rf"(?<=\w)[{_HYPHENS}][ \t]*(?:\r?\n|\f)\s*(?=\w)")
# any run of white space holding a line feed or form feed (page break)
_LINE_BREAK_RE = re.compile(r"[^\S\n\f]*[\n\f]\s*")
# control characters extractors sometimes emit (not TAB, LF, FF, CR)
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SPACES_RE = re.compile(f"[^\\S{LINE_HYPHEN}{LINE_BREAK}]+")
_MARKS = f"[{LINE_HYPHEN}{LINE_BREAK}]?"


def pdf_text(raw: str) -> str:
    """Normalise text extracted from a PDF, marking line ends.

    A hyphen between two word characters at the end of a line becomes
    :data:`LINE_HYPHEN`; any other line or page break becomes
    :data:`LINE_BREAK`; other white space collapses to one space.
    """
    raw = _CONTROL_RE.sub("", unicodedata.normalize("NFC", raw))
    raw = _IGNORED_RE.sub("", raw).strip()
    raw = _LINE_END_HYPHEN_RE.sub(LINE_HYPHEN, raw)
    raw = _LINE_BREAK_RE.sub(LINE_BREAK, raw)
    return _SPACES_RE.sub(" ", raw)


def _wide(char: str) -> bool:
    """CJK and other wide characters: extractors guess the spaces next to them from gaps."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def needle_pattern(needle: str) -> re.Pattern[str]:
    """A regex finding normalised ``needle`` in :func:`pdf_text` output.

    Between any two characters a line-end mark may occur; a space matches a
    line break, and may be missing next to a wide (CJK) character; a hyphen (with
    the space after it, if any) matches a line-end hyphen.
    """
    parts: list[str] = []
    i = 0
    while i < len(needle):
        char = needle[i]
        if char in _HYPHENS and i + 1 < len(needle) and needle[i + 1] == " ":
            parts.append(f"(?:[{_HYPHENS}][ {LINE_BREAK}]|{LINE_HYPHEN})")
            i += 2
            continue
        if char in _HYPHENS:
            parts.append(f"(?:[{_HYPHENS}]|{LINE_HYPHEN})")
        elif char == " ":
            wide = _wide(needle[i - 1]) or (i + 1 < len(needle) and _wide(needle[i + 1]))
            parts.append(f"[ {LINE_BREAK}]{'?' if wide else ''}")
        else:
            parts.append(re.escape(char))
        i += 1
    return re.compile(_MARKS.join(parts))


def pdf_contains(text: str, needle: str) -> bool:
    """True when ``needle`` occurs in ``text`` (from :func:`pdf_text`), line ends allowed."""
    wanted = norm(needle)
    if not wanted:
        return True
    plain = text.replace(LINE_BREAK, " ")
    if wanted in plain:
        return True
    return needle_pattern(wanted).search(text) is not None


def pdf_flat(text: str) -> str:
    """PDF text without spaces and line breaks (hyphen marks kept), for finding words."""
    return re.sub(f"[\\s{LINE_BREAK}]+", "", text)


def pdf_has_word(flat: str, word: str) -> bool:
    """Whether ``word`` occurs in :func:`pdf_flat` text (line-end hyphens allowed)."""
    if word in flat:
        return True
    return needle_pattern(word).search(flat) is not None


def words(text: str) -> list[str]:
    return norm(text).split()
