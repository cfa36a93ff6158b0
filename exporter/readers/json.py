"""The canonical JSON reader: the model's own form (DESIGN.md section 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from exporter.errors import InputError
from exporter.readers import Reader, build_article, decode_utf8

if TYPE_CHECKING:
    from exporter.model import Article


class JsonReader(Reader):
    name = "json"
    suffixes = (".json",)
    description = "canonical article JSON (the model's own form)"

    @classmethod
    def sniff(cls, data: bytes) -> bool:
        return data.lstrip()[:1] == b"{" and b'"headline"' in data[:65536]

    def read(self, data: bytes, origin: str | Path | None = None) -> Article:
        text = decode_utf8(data, origin)
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                             source=origin) from None
        return build_article(doc, origin)
