"""Guess an article's language when its source declares none.

A scraped text or an HTML page without ``lang`` used to become ``en``
silently, and a Chinese story was then set in Latin faces, hyphenated as
English and labelled in English. The guess is py3langid's (a naive Bayes
model over byte n-grams shipped inside the wheel: no network, and the same
text always gives the same answer). It is always announced by one warning
naming the language guessed, since a guess can be wrong and the fix (declare
the language) is the user's.

Text too short to tell, or a guess the model is unsure of, keeps ``en`` with
a warning that says so.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

log = logging.getLogger("exporter")

#: fewer letters than this and n-gram statistics are noise ("hello" scores Breton)
MIN_LETTERS = 20
#: the normalised probability below which a guess is not trusted
MIN_CONFIDENCE = 0.6
#: the model reads this many characters at most: enough for a sure guess, and fast
SAMPLE = 4000
FALLBACK = "en"


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """The model, loaded once per process (it takes a few seconds to unpack)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def guess_language(text: str, source: str) -> str:
    """The BCP 47 primary tag of ``text``'s language, with one warning either way."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < MIN_LETTERS:
        log.warning("%s: language: none declared and the text is too short to guess it "
                    "(%d letters); assumed %r (declare the language)", source, letters, FALLBACK)
        return FALLBACK
    lang, probability = _identifier().classify(text[:SAMPLE])
    if probability < MIN_CONFIDENCE:
        log.warning("%s: language: none declared and the guess is unsure (%r, %.0f%%); "
                    "assumed %r (declare the language)", source, lang, probability * 100, FALLBACK)
        return FALLBACK
    log.warning("%s: language: none declared; guessed %r from the text (declare the "
                "language to be sure)", source, lang)
    return str(lang)


def article_text(doc: dict[str, Any]) -> str:
    """The headline, standfirst and body text of a canonical dict, for the guess."""
    parts = [doc.get("headline") or "", doc.get("standfirst") or ""]
    for block in doc.get("body") or []:
        if isinstance(block, dict):
            parts.append(_plain(block.get("content", "")))
            parts.extend(_plain(item) for item in block.get("items", []) or [])
    return "\n".join(p for p in parts if p)


def _plain(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(_plain(part) for part in content)
    if isinstance(content, dict):
        return _plain(content.get("content", ""))
    return ""
