"""Small text helpers shared by the model, the readers and the writers.

They live here, not in a writer, because the same cleaning must happen once,
on the way in, for every format: if DOCX dropped a control character that EPUB
kept, the formats would no longer agree.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from typing import Any

# Characters that XML 1.0 cannot carry: C0 controls except TAB, LF, CR; the
# surrogate range (only reachable as lone surrogates from broken decoders);
# U+FFFE and U+FFFF. C1 controls and DEL are legal XML but never intended in
# news copy and python-docx/lxml choke on some of them, so they go too.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_xml_unsafe(text: str) -> str:
    """Return ``text`` without the characters XML 1.0 cannot carry."""
    return _XML_UNSAFE.sub("", text)


def has_xml_unsafe(text: str) -> bool:
    return _XML_UNSAFE.search(text) is not None


def clean_tree(value: Any, path: str = "", found: list[str] | None = None) -> Any:
    """Strip XML-unsafe characters from every string in a JSON-like tree.

    Returns the cleaned tree; the field paths that changed are appended to
    ``found`` so the caller can warn once per field.
    """
    if isinstance(value, str):
        if has_xml_unsafe(value):
            if found is not None:
                found.append(path or "(root)")
            return strip_xml_unsafe(value)
        return value
    if isinstance(value, dict):
        return {k: clean_tree(v, f"{path}.{k}" if path else str(k), found) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_tree(v, f"{path}[{i}]", found) for i, v in enumerate(value)]
    return value


def slugify(text: str, max_length: int = 80) -> str:
    """A stable ``[a-z0-9-]+`` slug for ``text``.

    Latin text keeps its words (accents folded); text with no Latin letters at
    all (Arabic, CJK...) gets ``article-`` and a short hash, which is stable
    across runs and machines.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    if not slug:
        digest = hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:10]
        slug = f"article-{digest}"
    return slug


def collapse_ws(text: str) -> str:
    """Collapse runs of white space to one space and trim the ends."""
    return " ".join(text.split())


WarnFn = Callable[[str], None]
