"""What the line rules need to know about scripts written without spaces.

Chinese and Japanese put no space between words, so "a line of one or two
words" or "a line of 45 characters" mean nothing there: a headline of nine
ideographs is one "word", and a hard-wrapped line of 38 ideographs fills an
80-column terminal. These helpers measure lines the way a reader sees them:
words of about two ideographs each, widths in terminal columns (an ideograph
is two), sentence ends that include the ideographic full stop.
"""

from __future__ import annotations

import re
import unicodedata

#: Han ideographs (with extensions and compatibility forms), kana; Hangul is
#: not here: Korean separates words with spaces
_UNSPACED = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\u31f0-\u31ff"
                       r"\U00020000-\U0003134f]")
#: a letter of a CJK script, Hangul included (a line starting with one has no case)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\u31f0-\u31ff"
                  r"\uac00-\ud7af\u1100-\u11ff\u3130-\u318f\U00020000-\U0003134f]")
#: full stops, question and exclamation marks of other scripts: ideographic and
#: full-width, Devanagari danda, Arabic question mark, Urdu full stop
SENTENCE_MARKS = "。．｡！？；：।॥؟۔"
#: closing quotes and brackets that may follow a sentence end: 」』）》〉 and the Latin ones
CLOSERS = "'\"’”»)\\]」』）》〉"


def has_unspaced(line: str) -> bool:
    """True if ``line`` has Chinese or Japanese text (words not separated by spaces)."""
    return _UNSPACED.search(line) is not None


def starts_cjk(line: str) -> bool:
    """True if ``line`` starts with a CJK letter (a script without capitals)."""
    return _CJK.match(line) is not None


def word_count(line: str) -> int:
    """Words in ``line``: spaced words, plus one per two ideographs or kana."""
    unspaced = len(_UNSPACED.findall(line))
    spaced = len(_UNSPACED.sub(" ", line).split())
    return spaced + (unspaced + 1) // 2


def width(line: str) -> int:
    """The width of ``line`` in terminal columns: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def join_wrapped(lines: list[str]) -> str:
    """Lines of one hard-wrapped paragraph as one: no space is put between CJK lines."""
    out = lines[0]
    for line in lines[1:]:
        glue = "" if (out and _wide(out[-1])) and _wide(line[0]) else " "
        out += glue + line
    return out


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF" and not _is_hangul(ch)


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7af" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"
