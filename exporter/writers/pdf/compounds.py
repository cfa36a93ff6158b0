"""Keep the headline's hyphenated compounds on one line.

A line may break after any ASCII hyphen (UAX #14), and ``hyphens: manual``
does not stop it: WeasyPrint broke "three-year" as "three-" / "year", and
poppler's ``pdftotext``, which rejoins words hyphenated at a line end, then
extracted "threeyear". Replacing the hyphen by U+2011 would change the
text every extractor reads, so the compound is wrapped in a
``white-space: nowrap`` span instead: the text stays exactly as written.
The style is inline so that a user's own ``print.css`` keeps the behaviour.
A compound longer than :data:`MAX_CHARS` may still break: kept whole, it
could run out of the measure at headline size.
"""

from __future__ import annotations

import re

#: the headline element of the page template (``article.html.j2``)
_HEADLINE = re.compile(r"(<h1\b[^>]*>)(.*?)(</h1>)", re.DOTALL)
#: a tag, kept as it is
_TAG = re.compile(r"(<[^>]*>)")
#: letters or digits joined by ASCII hyphens ("three-year", "Okonkwo-Silva", "24-hour")
_COMPOUND = re.compile(r"(?<![\w&#-])(?:[^\W_]+-)+[^\W_]+(?![\w-])")

NOBREAK = '<span style="white-space: nowrap">{}</span>'
#: the longest compound kept on one line (about half the measure at 30 pt)
MAX_CHARS = 24


def keep_headline_compounds(page: str) -> str:
    """``page`` with every hyphenated compound of its ``<h1>`` unbreakable."""
    def headline(match: re.Match[str]) -> str:
        parts = _TAG.split(match.group(2))
        for i in range(0, len(parts), 2):  # text between tags; tags are at odd indexes
            parts[i] = _COMPOUND.sub(_keep, parts[i])
        return match.group(1) + "".join(parts) + match.group(3)

    return _HEADLINE.sub(headline, page, count=1)


def _keep(match: re.Match[str]) -> str:
    word = match.group(0)
    return NOBREAK.format(word) if len(word) <= MAX_CHARS else word
