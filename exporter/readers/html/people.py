"""People in HTML: bylines' structured persons, ``— Name, role`` lines, quote attributions.

A quote's source is written as a ``<footer>``, a ``<cite>`` (closing the
quote or on its own line) or a last ``— Name, role`` paragraph. It is taken
*out* of the tree, so that it is not read again as part of the quoted text.
"""

from __future__ import annotations

import re
from typing import Any

from exporter.readers.html.chrome import BLOCK_TAGS, has_class, has_itemprop, text_of

_DASH = re.compile(r"^\s*(?:—|―|–|-{1,2}|~)\s*")


def person_from_text(text: str) -> dict[str, str] | None:
    """``— Name, role`` (Latin or Arabic comma) -> ``{name, role}``."""
    text = _DASH.sub("", text).strip()
    if not text:
        return None
    parts = re.split(r",\s+|،\s*", text, maxsplit=1)
    person = {"name": parts[0].strip()}
    if len(parts) == 2 and parts[1].strip():
        person["role"] = parts[1].strip()
    return person if person["name"] else None


#: class names CMSs give a person's parts (generic words, no one site's private names)
_NAME_CLASSES = ("author-name", "name")
_ROLE_CLASSES = ("role", "job-title", "jobtitle", "author-title", "author-role")
_ORG_CLASSES = ("organisation", "organization", "affiliation", "author-org")


def _person_scope(el: Any) -> Any:
    """The element whose microdata describe the person: ``el`` when it is an item,
    else the first schema.org ``Person`` item inside it, else ``el`` itself."""
    if el.get("itemscope") is not None:
        return el
    return next((n for n in el.iter() if isinstance(n.tag, str) and
                 n.get("itemscope") is not None and
                 (n.get("itemtype") or "").rstrip("/").endswith("/Person")), el)


def _own_nodes(scope: Any) -> list[Any]:
    """The descendants of ``scope`` that belong to it, not to an item nested in it
    (an ``affiliation`` Organization's own ``name`` is not the person's)."""
    out: list[Any] = []

    def walk(node: Any) -> None:
        for child in node:
            if not isinstance(child.tag, str):
                continue
            out.append(child)
            if child.get("itemscope") is None:
                walk(child)

    walk(scope)
    return out


def _value(node: Any, verbatim: bool) -> str | None:
    """A property's text; a nested item (``Organization``) gives its ``name``."""
    if node.get("itemscope") is not None:
        named = next((n for n in _own_nodes(node) if has_itemprop(n, "name")), None)
        if named is not None:
            node = named
    value = text_of(node, verbatim)
    return value if value.strip() else None


def structured_person(el: Any, verbatim: bool) -> dict[str, str] | None:
    """A person marked up with name/role/organisation parts: schema.org microdata
    (``name``, ``jobTitle``, ``affiliation``/``worksFor``) first, then the generic
    class names CMSs use, then a ``<cite>`` as the name."""
    scope = _person_scope(el)
    nodes = _own_nodes(scope)

    def part(props: tuple[str, ...], classes: tuple[str, ...]) -> str | None:
        for test in (lambda n: has_itemprop(n, *props), lambda n: has_class(n, *classes)):
            found = next((n for n in nodes if test(n)), None)
            if found is not None:
                return _value(found, verbatim)
        return None

    name = part(("name",), _NAME_CLASSES)
    if name is None:
        cites = list(scope.iter("cite"))
        name = text_of(cites[0], verbatim) if cites else None
    if name is None or not name.strip():
        return None
    person = {"name": name}
    role = part(("jobTitle",), _ROLE_CLASSES)
    org = part(("affiliation", "worksFor"), _ORG_CLASSES)
    if role:
        person["role"] = role
    if org:
        person["organisation"] = org
    return person


def pop_attribution(quote: Any, verbatim: bool) -> dict[str, str] | None:
    """A ``<blockquote>``'s source, removed from ``quote`` so it is not quoted text too."""
    attribution: dict[str, str] | None = None
    footer = next((f for f in quote.iter("footer")), None)
    if footer is not None:
        attribution = structured_person(footer, verbatim) if footer.find(".//cite") \
            is not None or footer.find(".//span") is not None else None
        if attribution is not None and set(attribution) == {"name"} and not verbatim:
            # "— <cite>Name</cite>, role": the role is the text after the name
            full = _DASH.sub("", text_of(footer))
            if full.startswith(attribution["name"]):
                role = full[len(attribution["name"]):].lstrip(" ,،").strip()
                if role:
                    attribution["role"] = role
        attribution = attribution or person_from_text(text_of(footer))
        _remove(footer)
    else:
        cites = list(quote.iter("cite"))
        if cites:
            attribution = _cite_attribution(quote, cites[-1])
    paragraphs = [c for c in quote if isinstance(c.tag, str) and c.tag in BLOCK_TAGS]
    if attribution is None and len(paragraphs) > 1 and paragraphs[-1].tag == "p" \
            and re.match(r"^\s*(?:—|―|–)", text_of(paragraphs[-1])):
        attribution = person_from_text(text_of(paragraphs[-1]))
        _remove(paragraphs[-1])
    return attribution


def _cite_attribution(quote: Any, cite: Any) -> dict[str, str] | None:
    """``— <cite>Name</cite>, role`` as its own line, or a cite closing the quote."""
    name = _DASH.sub("", text_of(cite)).strip()
    if not name:
        return None
    holder = cite.getparent()
    after = " ".join((cite.tail or "").split())
    if holder is not quote:
        before = _DASH.sub("", _text_before(holder, cite)).strip()
        if before:
            if holder[-1] is not cite or after.strip(" .,"):
                return None  # a cited title inside the quote text, not its source
            cite.tail = None
            _remove(cite)
            _strip_trailing_dash(holder)
            return {"name": name}
        full = text_of(holder)
        after = full[full.find(name) + len(name):]
        _remove(holder)
    else:
        cite.tail = None
        _remove(cite)
    role = _DASH.sub("", after).lstrip(" ,،").strip()
    if not role:
        return person_from_text(name)
    return {"name": name, "role": role}


def _text_before(holder: Any, target: Any) -> str:
    """The text of ``holder`` up to ``target``: is the cite the whole line, or inside a sentence?"""
    parts = [holder.text or ""]
    for child in holder:
        if child is target:
            break
        parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _strip_trailing_dash(holder: Any) -> None:
    """Drop the ``—`` left dangling at the end of the quote once its closing cite is gone."""
    if len(holder):
        holder[-1].tail = _without_trailing_dash(holder[-1].tail or "") or None
    else:
        holder.text = _without_trailing_dash(holder.text or "")


def _without_trailing_dash(text: str) -> str:
    r"""``text`` without trailing space, one dash, space; linear, unlike ``\s*-?\s*$``."""
    return re.sub(r"(?:—|―|–|-{1,2})$", "", text.rstrip()).rstrip()


def _remove(el: Any) -> None:
    """Remove ``el`` but keep its tail text (lxml would drop the tail with the element)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
