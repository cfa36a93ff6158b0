"""Text comparison rules of ``exporter verify``.

Two texts are the same when they are equal after :func:`norm`:

- Unicode NFC;
- soft hyphens (U+00AD) and bidi control marks (U+200E, U+200F,
  U+202A-U+202E, U+2066-U+2069) removed -- they are layout hints, not words;
- white space (including line and page breaks) collapsed to one space, ends trimmed.

Text extracted from a PDF additionally has words hyphenated across lines
re-joined (:func:`pdf_text` marks the break, :func:`pdf_contains` and
:func:`pdf_words` accept the word with or without the hyphen there).
Anything else -- case, quotes, punctuation, a changed or missing letter -- is
a difference.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

#: characters ignored on both sides: soft hyphen and bidi control marks
IGNORED = "\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_IGNORED_RE = re.compile(f"[{IGNORED}]")

#: marks a hyphen at the end of a PDF line: the word may be read with or without it
LINE_HYPHEN = "\x00"
_HYPHENS = "-\u2010"
# a word character, a hyphen, the end of a line, then a word character on the next line
_LINE_END_HYPHEN_RE = re.compile(rf"(?<=\w)[{_HYPHENS}][ \t]*(?:\r?\n|\f)\s*(?=\w)")
# control characters extractors sometimes emit (form feed is a page break: white space)
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


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


# --- PDF text ---------------------------------------------------------------------------


def pdf_text(raw: str) -> str:
    """Normalise text extracted from a PDF, marking hyphens at line ends.

    A hyphen between two word characters at the end of a line becomes
    :data:`LINE_HYPHEN`, so ``coali-\\ntion`` matches "coalition" and
    ``US-\\nled`` matches "US-led".
    """
    raw = _CONTROL_RE.sub("", unicodedata.normalize("NFC", raw))
    raw = _IGNORED_RE.sub("", raw)
    raw = _LINE_END_HYPHEN_RE.sub(LINE_HYPHEN, raw)
    return " ".join(raw.split())


def _needle_pattern(needle: str) -> re.Pattern[str]:
    parts: list[str] = []
    for char in needle:
        if char in _HYPHENS:
            parts.append(f"[{re.escape(_HYPHENS)}{LINE_HYPHEN}]")
        else:
            parts.append(re.escape(char))
    return re.compile(f"{LINE_HYPHEN}?".join(parts))


def pdf_contains(text: str, needle: str) -> bool:
    """True when ``needle`` occurs in ``text`` (from :func:`pdf_text`), hyphen breaks allowed."""
    wanted = norm(needle)
    if not wanted:
        return True
    if wanted in text:
        return True
    if LINE_HYPHEN not in text:
        return False
    return _needle_pattern(wanted).search(text) is not None


def words(text: str) -> list[str]:
    return norm(text).split()


def pdf_words(text: str) -> Counter[str]:
    """The words of PDF text; a word broken at a line-end hyphen counts both ways."""
    found: Counter[str] = Counter()
    for word in text.split():
        if LINE_HYPHEN in word:
            found[word.replace(LINE_HYPHEN, "")] += 1
            found[word.replace(LINE_HYPHEN, "-")] += 1
        else:
            found[word] += 1
    return found


def word_coverage(expected: Iterable[str], found: Counter[str]) -> tuple[int, int, list[str]]:
    """How many of the ``expected`` words (with repeats) occur in ``found``.

    Returns ``(matched, total, missing)``, ``missing`` in order of first appearance.
    """
    wanted = Counter(expected)
    matched = 0
    missing: list[str] = []
    for word, count in wanted.items():
        have = min(count, found.get(word, 0))
        matched += have
        if have < count:
            missing.append(word)
    return matched, sum(wanted.values()), missing


def shown_as(actual: str | None, expected: str | None, width: int = 60) -> str:
    """``'actual'``, or where it departs from ``expected`` when it is too long to show."""
    a, e = norm(actual), norm(expected)
    if len(a) <= width:
        return repr(a)
    return first_difference(e, a)


def first_difference(expected: str, actual: str) -> str:
    """A short description of where two normalised texts first differ."""
    a, b = norm(expected), norm(actual)
    if a == b:
        return "same"
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    start = max(0, i - 15)
    return f"{b[start:i + 25]!r}… (at character {i}, expected {a[start:i + 25]!r}…)"
