"""Inline HTML -> the model's inline content (strings, em, strong, link, break).

Links keep only absolute http, https and mailto targets (relative ones are
resolved against the page URL); any other link becomes its text, so nothing
executable or local reaches a writer. White space follows the builder's mode
(see :mod:`.blocks`): collapsed for web pages, verbatim for exporter's
own rendering inside ninjs.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from exporter.readers.html.chrome import BLOCK_TAGS

SAFE_SCHEMES = ("http://", "https://", "mailto:")
_WS = re.compile(r"[ \t\n\r\f]+")


def resolve_url(href: str, base_url: str | None) -> str | None:
    """An absolute http(s)/mailto URL for ``href``, or None (the link becomes text)."""
    href = href.strip()
    if not href:
        return None
    if href.lower().startswith(SAFE_SCHEMES):
        return href
    if base_url and not re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I) and not href.startswith("#"):
        joined = urllib.parse.urljoin(base_url, href)
        if joined.lower().startswith(("http://", "https://")):
            return joined
    return None


class InlineBuilder:
    """Inline conversion, shared by every block kind (paragraph, heading, list item, quote)."""

    def __init__(self, base_url: str | None = None, verbatim: bool = False) -> None:
        self.base_url = base_url
        self.verbatim = verbatim

    def inline(self, el: Any) -> Any:
        """The inline content of one element (a paragraph, a heading...), finished."""
        items: list[Any] = [el.text] if el.text else []
        for child in el:
            items.append(child)
            if child.tail:
                items.append(child.tail)
        return self.finish(self.inline_parts(items))

    def inline_parts(self, items: list[Any]) -> list[Any]:
        """Strings and elements -> raw inline nodes; a dict marker (``{"_break": True}``) -> a break."""
        out: list[Any] = []
        for item in items:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict):
                out.append({"type": "break"})
            elif isinstance(item.tag, str):
                out.extend(self._node(item))
        return out

    def _node(self, el: Any) -> list[Any]:
        """One element: marks and safe links keep a node, ``<br>`` is a break, ``<img>`` its alt;
        any other tag gives only its content."""
        tag = el.tag
        if tag == "br":
            return [{"type": "break"}]
        if tag == "img":
            alt = (el.get("alt") or "").strip()
            return [alt] if alt else []
        inner = self.inline_parts([el.text] if el.text else [])
        for child in el:
            if isinstance(child.tag, str):
                if inner and child.tag in BLOCK_TAGS and child.tag != "img":
                    inner.append(" ")
                inner.extend(self._node(child))
            if child.tail:
                inner.append(child.tail)
        if tag in ("em", "i", "strong", "b"):
            if not any(isinstance(p, dict) or p.strip() for p in inner):
                return inner
            kind = "em" if tag in ("em", "i") else "strong"
            return [{"type": kind, "content": inner}]
        if tag == "a":
            href = resolve_url(el.get("href") or "", self.base_url)
            if href and any(isinstance(p, dict) or p.strip() for p in inner):
                return [{"type": "link", "href": href, "content": inner}]
        return inner

    def finish(self, parts: list[Any], collapse: bool | None = None) -> Any:
        """Collapse white space (web mode), trim the ends, merge strings, normalise nodes."""
        if collapse is None:
            collapse = not self.verbatim
        if collapse:
            state = {"space": True}
            parts = _collapse(parts, state)
            _trim_end(parts)
        return _normalise(parts)



def _collapse(parts: list[Any], state: dict[str, bool]) -> list[Any]:
    out: list[Any] = []
    for part in parts:
        if isinstance(part, str):
            text = _WS.sub(" ", part)
            if state["space"]:
                text = text.lstrip(" ")
            if text:
                state["space"] = text.endswith(" ")
                out.append(text)
        elif part.get("type") == "break":
            _trim_end(out)
            out.append(part)
            state["space"] = True
        else:
            node = dict(part)
            node["content"] = _collapse(list(part["content"]), state)
            out.append(node)
    return out


def _trim_end(parts: list[Any]) -> None:
    while parts:
        last = parts[-1]
        if isinstance(last, str):
            stripped = last.rstrip(" ")
            if stripped:
                parts[-1] = stripped
                return
            parts.pop()
        elif last.get("type") in ("em", "strong", "link"):
            content = list(last["content"])
            _trim_end(content)
            if not content:
                parts.pop()
                continue
            parts[-1] = {**last, "content": content}
            return
        else:
            return


def _normalise(parts: list[Any]) -> Any:
    """Merge adjacent strings, drop empty marks; a lone string stays a plain string."""
    merged: list[Any] = []
    for part in parts:
        if isinstance(part, dict) and "content" in part:
            content = _normalise(list(part["content"]))
            if content in ("", []):
                continue
            part = {**part, "content": content}
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    while merged and merged[0] == {"type": "break"}:
        merged.pop(0)
    while merged and merged[-1] == {"type": "break"}:
        merged.pop()
    if not merged:
        return ""
    if len(merged) == 1 and isinstance(merged[0], str):
        return merged[0]
    return merged
