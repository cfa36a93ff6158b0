"""The canonical JSON reader: the model's own form (DESIGN.md section 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.errors import InputError
from exporter.readers import Reader, build_article, decode_utf8

if TYPE_CHECKING:
    from exporter.model import Article


def parse_json(text: str, origin: str | Path | None) -> Any:
    """``json.loads`` whose every failure is one InputError line naming the file.

    Besides syntax errors, the decoder raises ValueError for an integer over
    Python's 4300-digit conversion limit and RecursionError for deep nesting.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                         source=origin) from None
    except ValueError as exc:
        raise InputError(f"invalid JSON: {str(exc).split(';')[0]}", source=origin) from None
    except RecursionError:  # the decoder recurses once per [ or {
        raise InputError("invalid JSON: nested too deeply for the parser (an article "
                         "needs about 40 levels)", source=origin) from None


class JsonReader(Reader):
    name = "json"
    suffixes = (".json",)
    description = "canonical article JSON (the model's own form)"

    @classmethod
    def sniff(cls, data: bytes) -> bool:
        return data.lstrip()[:1] == b"{" and b'"headline"' in data[:65536]

    def read(self, data: bytes, origin: str | Path | None = None) -> Article:
        text = decode_utf8(data, origin)
        doc = parse_json(text, origin)
        return build_article(doc, origin)
