"""Markdown with YAML front matter, the form editors write by hand.

The front matter holds the article's fields (as in the JSON form); the body
becomes blocks:

- ``## Heading`` -> heading (levels 2-4; ``#`` counts as 2, deeper as 4);
- paragraphs with ``*em*``, ``**strong**``, ``[links](url)`` and hard breaks;
- ordered and unordered lists;
- a block quote whose last paragraph starts with an em dash
  (``— Name, role``) -> a quote with ``attribution {name, role}``;
- a paragraph holding only ``![alt](src "caption | credit")`` -> a figure.

Raw HTML is never passed through: tags are dropped with a warning, and the
text of an HTML block is kept as a plain paragraph. Links keep only http(s)
and mailto targets; any other link keeps its words and loses its target.
"""

from __future__ import annotations

import html as htmllib
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.errors import InputError
from exporter.readers import Reader, build_article, decode_utf8
from exporter.readers.yaml_loader import load_plain

if TYPE_CHECKING:
    from markdown_it.token import Token

    from exporter.model import Article

log = logging.getLogger("exporter")

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", re.S | re.M)
_SAFE_LINK = re.compile(r"^\s*(https?://|mailto:)", re.I)
_ATTRIBUTION = re.compile(r"^\s*(?:—|―|--)\s*(.+)$", re.S)


class MarkdownReader(Reader):
    name = "markdown"
    suffixes = (".md", ".markdown")
    description = "Markdown with YAML front matter"
    requires = ("markdown_it", "yaml")

    def read(self, data: bytes, origin: str | Path | None = None) -> Article:
        text = decode_utf8(data, origin)
        meta, body_text = split_front_matter(text, origin)
        meta["body"] = _Converter(origin).blocks(body_text)
        return build_article(meta, origin)


def split_front_matter(text: str, origin: str | Path | None) -> tuple[dict[str, Any], str]:
    """Split ``---`` YAML front matter from the Markdown body."""
    import yaml

    match = _FRONT.match(text)
    if not match:
        if text.startswith("---"):
            raise InputError("front matter: opening '---' has no closing '---' line", source=origin)
        raise InputError("no YAML front matter: a Markdown article starts with '---', "
                         "the fields (at least 'headline'), then '---'", source=origin)
    try:
        # Aliases, deep nesting and non-JSON tags (!!set...) are refused: see yaml_loader.
        meta = load_plain(match.group(1), origin, first_line=2)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"front matter: invalid YAML{where}: {problem}", source=origin) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InputError("front matter: expected 'field: value' lines, got "
                         f"a {type(meta).__name__}", source=origin)
    if "body" in meta:
        raise InputError("front matter: 'body' comes from the Markdown text, not the front matter",
                         source=origin, field="body")
    return meta, text[match.end():]


class _Converter:
    """markdown-it tokens -> the model's blocks and inlines (as plain JSON data)."""

    def __init__(self, origin: str | Path | None) -> None:
        self.origin = origin
        self.dropped_html = False

    def blocks(self, text: str) -> list[dict[str, Any]]:
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark", {"html": True})
        # markdown-it leaves links to javascript:, file: ... unparsed, so their
        # URL would survive as literal text; parse every link and decide here.
        setattr(md, "validateLink", lambda url: True)  # noqa: B010 (a method, replaced on purpose)
        tokens = md.parse(text)
        out: list[dict[str, Any]] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.type == "heading_open":
                level = min(max(int(tok.tag[1]), 2), 4)
                out.append({"type": "heading", "level": level,
                            "content": self.inline(tokens[i + 1].children or [])})
                i += 3
            elif tok.type == "paragraph_open":
                children = tokens[i + 1].children or []
                figure = self.figure(children)
                out.append(figure or {"type": "paragraph", "content": self.inline(children)})
                i += 3
            elif tok.type == "blockquote_open":
                end = _closing(tokens, i)
                out.append(self.quote(tokens[i + 1:end]))
                i = end + 1
            elif tok.type in ("bullet_list_open", "ordered_list_open"):
                end = _closing(tokens, i)
                items = [self.inline(t.children or []) for t in tokens[i + 1:end] if t.type == "inline"]
                out.append({"type": "list", "ordered": tok.type == "ordered_list_open",
                            "items": items})
                i = end + 1
            elif tok.type in ("fence", "code_block"):
                out.append({"type": "paragraph", "content": tok.content.rstrip("\n")})
                i += 1
            elif tok.type == "html_block":
                self._warn_html()
                text_only = _html_text(tok.content)
                if text_only:
                    out.append({"type": "paragraph", "content": text_only})
                i += 1
            else:  # hr and anything else carries no article content
                i += 1
        return out

    # -- blocks ------------------------------------------------------------------

    def figure(self, children: list[Token]) -> dict[str, Any] | None:
        meaningful = [c for c in children if not (c.type == "text" and not c.content.strip())
                      and c.type != "softbreak"]
        if len(meaningful) != 1 or meaningful[0].type != "image":
            return None
        img = meaningful[0]
        image: dict[str, Any] = {"src": str(img.attrGet("src") or ""), "alt": img.content}
        title = str(img.attrGet("title") or "")
        if title:
            caption, _, credit = title.partition("|")
            if caption.strip():
                image["caption"] = caption.strip()
            if credit.strip():
                image["credit"] = credit.strip()
        return {"type": "figure", "image": image}

    def quote(self, inner: list[Token]) -> dict[str, Any]:
        paragraphs = [t.children or [] for t in inner if t.type == "inline"]
        block: dict[str, Any] = {"type": "quote"}
        if paragraphs:
            last_text = "".join(c.content for c in paragraphs[-1] if c.type == "text")
            match = _ATTRIBUTION.match(last_text)
            if match and len(paragraphs) > 1:
                paragraphs = paragraphs[:-1]
                name, _sep, role = _split_person(match.group(1))
                person = {"name": name}
                if role:
                    person["role"] = role
                block["attribution"] = person
        parts: list[Any] = []
        for n, para in enumerate(paragraphs):
            if n:
                parts.append({"type": "break"})
            content = self.inline(para)
            parts.extend([content] if isinstance(content, str) else content)
        block["content"] = _normalise(parts)
        return block

    # -- inlines ----------------------------------------------------------------

    def inline(self, children: list[Token]) -> Any:
        stack: list[tuple[dict[str, Any] | None, list[Any]]] = [(None, [])]
        for c in children:
            kind = c.type
            if kind == "text" or kind == "code_inline":
                stack[-1][1].append(c.content)
            elif kind == "softbreak":
                stack[-1][1].append(" ")
            elif kind == "hardbreak":
                stack[-1][1].append({"type": "break"})
            elif kind in ("em_open", "strong_open"):
                stack.append(({"type": kind[:-5]}, []))
            elif kind == "link_open":
                stack.append(({"type": "link", "href": str(c.attrGet("href") or "")}, []))
            elif kind in ("em_close", "strong_close", "link_close") and len(stack) > 1:
                node, content = stack.pop()
                assert node is not None
                if node["type"] == "link" and not _SAFE_LINK.match(node["href"]):
                    self._warn_link(node["href"])
                    stack[-1][1].extend(content)  # keep the words, drop the target
                    continue
                node["content"] = _normalise(content)
                stack[-1][1].append(node)
            elif kind == "image":
                stack[-1][1].append(c.content)  # an inline picture keeps only its alt text
            elif kind == "html_inline":
                self._warn_html()
        while len(stack) > 1:  # unbalanced marks: keep their text
            _node, content = stack.pop()
            stack[-1][1].extend(content)
        return _normalise(stack[0][1])

    def _warn_link(self, href: str) -> None:
        log.warning("%s: link target %r dropped: only http(s) and mailto links are kept",
                    self.origin or "<input>", href[:60])

    def _warn_html(self) -> None:
        if not self.dropped_html:
            log.warning("%s: raw HTML in Markdown is not passed through; tags were removed",
                        self.origin or "<input>")
            self.dropped_html = True


def _split_person(text: str) -> tuple[str, str, str]:
    """``Name, role`` (Latin or Arabic comma) -> (name, separator, role)."""
    parts = re.split(r"(,\s+|،\s*)", text.strip(), maxsplit=1)
    if len(parts) == 3:
        return parts[0].strip(), parts[1], parts[2].strip()
    return text.strip(), "", ""


def _closing(tokens: list[Token], start: int) -> int:
    """Index of the token closing the one at ``start`` (same nesting level)."""
    level = tokens[start].level
    close = tokens[start].type.replace("_open", "_close")
    for j in range(start + 1, len(tokens)):
        if tokens[j].type == close and tokens[j].level == level:
            return j
    return len(tokens) - 1


def _normalise(parts: list[Any]) -> Any:
    """Merge adjacent strings; a lone string stays a plain string."""
    merged: list[Any] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    if not merged:
        return ""
    if len(merged) == 1 and isinstance(merged[0], str):
        return merged[0]
    return merged


def _html_text(fragment: str) -> str:
    import nh3

    return " ".join(htmllib.unescape(nh3.clean(fragment, tags=set())).split())
