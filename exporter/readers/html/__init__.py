"""CMS pages and saved web pages (HTML) -> the canonical article.

Structured data first, then the page itself (docs/readers.md has the full
order): JSON-LD ``NewsArticle``/``Article``, Open Graph and ``<meta>`` tags,
``<html lang>``; then the article's ``<h1>``, standfirst, byline, ``<time>``,
lead ``<figure>`` and body. Page chrome (nav, header, footer, aside, ads,
share bars, related links, newsletters, cookie banners, scripts, iframes,
forms) is left out; the body is sanitised with nh3 to the model's blocks and
inlines (see :mod:`.blocks`).

A date without a UTC offset cannot be placed in time: it is left out with a
warning naming the field, and the next source for that field is tried.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.readers import Reader, build_article, decode_utf8
from exporter.readers.html.blocks import (
    DROP_TAGS,
    BlockBuilder,
    class_words,
    has_class,
    has_itemprop,
    is_chrome,
    parse_figure,
    sanitise,
    structured_person,
    text_of,
)
from exporter.readers.html.meta import (
    language_tag,
    ld_image,
    ld_people,
    ld_text,
    merge_people,
    metadata,
    people_from_text,
)
from exporter.readers.text import parse_timestamp

if TYPE_CHECKING:
    from exporter.model import Article

log = logging.getLogger("exporter")

BODY_CLASSES = frozenset({"article-body", "article__body", "articlebody", "story-body",
                          "story-content", "entry-content", "post-content", "article-content",
                          "article-text", "body-text", "bodytext", "c-article-body",
                          "content__article-body", "post-body", "story-text", "article__content",
                          "td-post-content", "single-content", "rich-text", "body-copy",
                          "article-body-text", "story__body", "news-body"})
STANDFIRST_WORDS = frozenset({"standfirst", "dek", "deck", "summary", "subtitle", "subheadline",
                              "strapline", "strap", "sapo", "chapo"})
BYLINE_WORDS = frozenset({"byline", "author", "authors", "contributor", "contributors"})
_NOT_BYLINE = frozenset({"bio", "about", "avatar", "box", "image", "img", "photo", "more"})
#: what may stand between a correction's date and its text on any site: white space
#: and punctuation (``:``, ``–``, ``—``, ``|``, ``·``...), taken once, up to one space after
_LEADING_SEPARATOR = re.compile(r"^\s*[:：;|·•/–—―-]*\s?")
META_WORDS = frozenset({"meta", "dates", "timestamp", "published", "updated", "date", "time",
                        "dateline", "kicker", "eyebrow", "overline", "rubric"})


class HtmlReader(Reader):
    name = "html"
    suffixes = (".html", ".htm")
    description = "CMS or saved web page (JSON-LD, Open Graph, <article>; chrome removed)"
    requires = ("lxml", "nh3")

    @classmethod
    def sniff(cls, data: bytes) -> bool:
        head = data.lstrip()[:512].lower()
        return head.startswith((b"<!doctype html", b"<html")) or b"<article" in data[:65536]

    def read(self, data: bytes, origin: str | Path | None = None) -> Article:
        text = decode_utf8(data, origin)
        source = str(origin) if origin is not None else "<input>"
        doc = parse_page(text, source)
        if doc and not doc.get("language"):
            # no lang, inLanguage or og:locale: guess (with a warning) rather than say "en"
            from exporter.readers.language import article_text, guess_language

            doc["language"] = guess_language(article_text(doc), source)
        return build_article(doc, origin)


def parse_page(text: str, source: str = "<input>", verbatim: bool = False) -> dict[str, Any]:
    """An HTML document or fragment -> the canonical JSON form (fields it could find)."""
    from lxml import etree
    from lxml import html as lhtml

    if not text.strip():
        return {}
    try:
        doc = lhtml.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return {}
    meta = metadata(doc)
    page = _Page(doc, meta, source, verbatim)
    return page.article()


# --- the page ------------------------------------------------------------------------------


class _Page:
    def __init__(self, doc: Any, meta: dict[str, Any], source: str, verbatim: bool) -> None:
        self.doc, self.meta, self.source, self.verbatim = doc, meta, source, verbatim
        self.ld: dict[str, Any] = meta["ld"]
        self.props: dict[str, list[str]] = meta["props"]
        self.url = self._url()
        self.consumed: list[Any] = []

    def prop(self, *keys: str) -> str | None:
        for key in keys:
            values = self.props.get(key)
            if values:
                return values[0]
        return None

    def _url(self) -> str | None:
        candidates = [ld_text(self.ld.get("url")), self.ld.get("mainEntityOfPage"),
                      self.prop("canonical"), self.prop("og:url")]
        for value in candidates:
            if isinstance(value, dict):
                value = value.get("@id") or value.get("url")
            if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
                return value.strip()
        return None

    # -- structure -------------------------------------------------------------------------

    def article(self) -> dict[str, Any]:
        found = self.doc.find(".//body")
        body_el = found if found is not None else self.doc
        for el in list(body_el.iter()):
            if not isinstance(el.tag, str) or el.tag in DROP_TAGS:
                _drop(el)
        body_root = self._body_root(body_el)
        h1 = self._h1(body_el, body_root)
        header_root = _common_ancestor(body_root, h1) if h1 is not None else body_root
        article_el = next((a for a in [header_root, *header_root.iterancestors()]
                           if a.tag in ("article", "main") or
                           (a.get("role") or "") == "main"), None)
        if article_el is not None and h1 is None:
            header_root = article_el
        keep = {body_root, *body_root.iterancestors()}
        if h1 is not None:
            keep |= {h1, *h1.iterancestors()}
        for el in list(header_root.iter()):
            if el not in keep and isinstance(el.tag, str) and is_chrome(el):
                _drop(el)
        out: dict[str, Any] = {}
        self._header(out, header_root, body_root, h1)
        for el in self.consumed:
            _drop(el)
        for el in list(body_root.iter("footer", "header")):
            if not any(a.tag in ("blockquote", "figure") for a in el.iterancestors()):
                _drop(el)
        builder = BlockBuilder(self.url, self.verbatim, self.source)
        out["body"] = builder.blocks(sanitise(body_root))
        if "lead_image" in out:
            out["lead_image"] = builder.fix_alt(out["lead_image"], "lead_image.alt")
        self._standfirst_fallback(out)
        return {k: v for k, v in out.items() if v not in (None, "", [])}

    def _body_root(self, body_el: Any) -> Any:
        def para_text(el: Any) -> int:
            return sum(len(text_of(p)) for p in el.iter("p"))

        marked = [el for el in body_el.iter() if isinstance(el.tag, str) and (
            (el.get("itemprop") or "") == "articleBody" or
            set((el.get("class") or "").lower().split()) & BODY_CLASSES or
            (el.get("id") or "").lower() in BODY_CLASSES)]
        marked = [el for el in marked if not any(a in marked for a in el.iterancestors())]
        if marked:
            return max(marked, key=para_text) if len(marked) > 1 and para_text(marked[0]) == 0 \
                else marked[0]
        for tag in ("article", "main"):
            found = [el for el in body_el.iter(tag) if para_text(el) > 0]
            if found:
                return max(found, key=para_text)
        scores: dict[Any, int] = {}
        for p in body_el.iter("p"):
            parent = p.getparent()
            if parent is not None:
                scores[parent] = scores.get(parent, 0) + len(text_of(p))
        return max(scores, key=scores.__getitem__) if scores else body_el

    def _h1(self, body_el: Any, body_root: Any) -> Any | None:
        headings = [h for h in body_el.iter("h1") if text_of(h)]
        if not headings:
            return None
        wanted = ld_text(self.ld.get("headline")) or self.prop("og:title") or ""
        for h in headings:
            if text_of(h) and text_of(h) in wanted:
                return h
        scope = next((a for a in body_root.iterancestors() if a.tag in ("article", "main")), None)
        if scope is not None:
            inside = [h for h in headings if scope in h.iterancestors()]
            if inside:
                return inside[0]
        return headings[0]

    # -- header fields ---------------------------------------------------------------------

    def _header(self, out: dict[str, Any], root: Any, body_root: Any, h1: Any | None) -> None:
        ld, v = self.ld, self.verbatim
        order = {el: i for i, el in enumerate(root.iter())}
        start = self._first_paragraph(body_root, order)

        def early(el: Any) -> bool:
            return order.get(el, 0) < start

        page_h1 = text_of(h1, v) if h1 is not None else None
        if h1 is not None:
            self.consumed.append(h1)
        headline = ld_text(ld.get("headline"))
        if headline and page_h1 and headline.rstrip("…. ") != headline and \
                page_h1.startswith(headline.rstrip("…. ")):
            headline = page_h1  # the JSON-LD headline was truncated
        if v and page_h1:
            headline = page_h1
        out["headline"] = headline or page_h1 or self.prop("og:title", "twitter:title") or \
            self.meta.get("title")
        elements = [el for el in root.iter() if isinstance(el.tag, str) and el is not h1
                    and not any(a is h1 for a in el.iterancestors())]
        out["standfirst"] = self._first(elements, early, _is_standfirst, v)
        out["kicker"] = self._first(elements, early, lambda el: bool(
            class_words(el) & {"kicker", "eyebrow", "overline"}) and len(text_of(el)) <= 80, v)
        section_el = self._first(elements, early, lambda el: (has_class(
            el, "section", "section-name", "section-label") and len(text_of(el)) <= 60) or
            (el.get("itemprop") or "") == "articleSection", v)
        out["section"] = ld_text(ld.get("articleSection")) or self.prop("article:section") or \
            section_el
        out["dateline"] = self._first(elements, early, lambda el: (has_class(el, "dateline") or
                                      has_itemprop(el, "dateline")) and
                                      el.getparent() is not None and el.getparent().tag != "p", v)
        page_people = self._page_byline(elements, early)
        out["bylines"] = merge_people(ld_people(ld.get("author")), page_people)
        if not out["bylines"] and self.prop("author"):
            out["bylines"] = people_from_text(self.prop("author") or "")
        if out["kicker"] and out["kicker"] == out["section"]:
            out["kicker"] = None  # a section label shown above the headline
        self._dates(out, elements, early)
        self._lead_image(out, elements, early)
        self._tail_fields(out, elements)
        scoped = next((a for a in [root, *root.iterancestors()] if a.get("lang")), None)
        out["language"] = language_tag(ld_text(ld.get("inLanguage")) or self.meta.get("lang") or
                                    (scoped.get("lang") if scoped is not None else None) or
                                    self.prop("og:locale", "content-language", "language"))
        direction = (scoped.get("dir") if scoped is not None else None) or self.meta.get("dir")
        if direction in ("ltr", "rtl"):
            from exporter.model import RTL_LANGUAGES

            primary = (out["language"] or "en").split("-")[0].lower()
            if direction != ("rtl" if primary in RTL_LANGUAGES else "ltr"):
                out["direction"] = direction
        keywords = ld.get("keywords")
        if isinstance(keywords, str):
            keywords = keywords.split(",")  # each is trimmed below ("\s*,\s*" was quadratic)
        if not keywords:
            keywords = self.props.get("article:tag") or (
                self.prop("news_keywords", "keywords") or "").split(",")
        out["tags"] = [" ".join(k.split()) for k in keywords if isinstance(k, str) and k.strip()]
        out["url"] = self.url
        out["rights"] = out.get("rights") or ld_text(ld.get("copyrightNotice")) or \
            self.prop("copyright", "dcterms.rights", "dc.rights")

    def _first_paragraph(self, body_root: Any, order: dict[Any, int]) -> int:
        for p in body_root.iter("p"):
            if not text_of(p) or any(a.tag in ("figure", "header", "blockquote", "footer")
                                     for a in p.iterancestors()):
                continue
            words = class_words(p)
            for a in p.iterancestors():
                if a is body_root:
                    break
                words |= class_words(a)
            if words & (STANDFIRST_WORDS | BYLINE_WORDS | META_WORDS):
                continue
            return order.get(p, len(order))
        return len(order)

    def _first(self, elements: list[Any], early: Any, test: Any, verbatim: bool) -> str | None:
        for el in elements:
            if early(el) and test(el) and text_of(el):
                self.consumed.append(el)
                return text_of(el, verbatim)
        return None

    def _page_byline(self, elements: list[Any], early: Any) -> list[dict[str, str]]:
        """The people of the page's byline: schema.org ``author`` items (each one a
        person), else ``rel=author`` links or author names, else the byline's text."""
        def in_header(el: Any) -> bool:
            if any(a.tag == "figure" for a in el.iterancestors()):
                return False
            return early(el) or not any(a.tag in ("p", "blockquote") for a in el.iterancestors())

        for el in elements:
            words = class_words(el)
            is_author = has_itemprop(el, "author")
            is_byline = (words & BYLINE_WORDS and not words & _NOT_BYLINE) or \
                "author" in (el.get("rel") or "").split() or is_author
            if not is_byline or not text_of(el) or not in_header(el):
                continue
            if is_author:  # microdata people need no container: take every one of them
                parts = [n for n in elements if has_itemprop(n, "author") and in_header(n)
                         and not any(has_itemprop(a, "author") for a in n.iterancestors())]
            else:
                parts = [n for n in el.iter() if n is not el and isinstance(n.tag, str)
                         and has_itemprop(n, "author")]
            self.consumed += _author_container(parts) if is_author else [el]
            people = [p for p in (structured_person(n, self.verbatim) for n in parts) if p]
            if not people:
                names = [n for n in el.iter() if n is not el and isinstance(n.tag, str) and (
                    "author" in (n.get("rel") or "").split() or has_class(n, "author-name"))]
                people = [{"name": text_of(n)} for n in names if text_of(n)]
            return people or people_from_text(text_of(el))
        return []

    def _dates(self, out: dict[str, Any], elements: list[Any], early: Any) -> None:
        times: dict[str, list[tuple[str, str]]] = {"published": [], "updated": []}
        for el in elements:
            if el.tag != "time" or not el.get("datetime"):
                continue
            parent = el.getparent()
            words = class_words(el) | (class_words(parent) if parent is not None else set())
            kind = "updated" if words & {"updated", "modified", "datemodified"} or \
                (el.get("itemprop") or "") == "dateModified" or \
                text_of(el).lower().startswith(("updated", "last updated")) else "published"
            times[kind].append((el.get("datetime"), "<time>"))
            if early(el) and parent is not None and parent.tag in ("p", "div", "span") and \
                    len(text_of(parent)) - len(text_of(el)) <= 40:
                self.consumed.append(parent)
        ld = self.ld
        for field, ld_key, props in (
                ("published", "datePublished", ("article:published_time", "datepublished",
                                                "dcterms.created", "date")),
                ("updated", "dateModified", ("article:modified_time", "datemodified",
                                             "dcterms.modified"))):
            candidates = [(ld.get(ld_key), "JSON-LD " + ld_key)]
            candidates += [(self.prop(p), p) for p in props[:2]]
            candidates += times[field] + [(self.prop(p), p) for p in props[2:]]
            for value, where in candidates:
                if not isinstance(value, str) or not value.strip():
                    continue
                parsed = parse_timestamp(value)
                if parsed is None:
                    log.warning("%s: %s: %s %r has no UTC offset (or is not a date); left out",
                                self.source, field, where, value)
                    continue
                out[field] = parsed.isoformat()
                break
        if out.get("updated") and out.get("updated") == out.get("published"):
            del out["updated"]

    def _lead_image(self, out: dict[str, Any], elements: list[Any], early: Any) -> None:
        for el in elements:
            lead_words = class_words(el) & {"lead", "hero", "featured", "main", "top"}
            if not (el.tag == "figure" or (lead_words and el.find(".//img") is not None)):
                continue
            if not early(el) or any(a.tag == "figure" for a in el.iterancestors()):
                continue
            image = parse_figure(el, self.url, self.verbatim)
            if image is not None:
                self.consumed.append(el)
                out["lead_image"] = image
                return
        meta_image = ld_image(self.ld.get("image"))
        og = self.prop("og:image", "twitter:image")
        if meta_image is None and og:
            meta_image = {"src": og}
        if meta_image is not None:
            alt = self.prop("og:image:alt", "twitter:image:alt")
            out["lead_image"] = {**meta_image, "alt": alt}

    def _tail_fields(self, out: dict[str, Any], elements: list[Any]) -> None:
        """Rights line (``rights`` class or ``copyrightNotice``) and corrections: an
        element whose class says ``correction`` holding a ``<time datetime>``."""
        taken: set[Any] = set()
        for el in elements:
            if (has_class(el, "rights") or has_itemprop(el, "copyrightNotice")) \
                    and not out.get("rights") and len(text_of(el)) <= 300 \
                    and not any(a.tag == "figure" for a in el.iterancestors()):
                out["rights"] = text_of(el, self.verbatim)
                self.consumed.append(el)
            elif "correction" in class_words(el) and len(el.findall(".//time")) == 1 and \
                    not any(a in taken for a in el.iterancestors()):
                correction = self._correction(el)
                if correction:
                    out.setdefault("corrections", []).append(correction)
                    self.consumed.append(el)
                    taken.add(el)
            elif has_class(el, "corrections"):
                self.consumed.append(el)

    def _correction(self, el: Any) -> dict[str, str] | None:
        time = el.find(".//time")
        if time is None or not time.get("datetime"):
            return None
        value = time.get("datetime").strip()
        if parse_timestamp(value) is None and not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            log.warning("%s: corrections: date %r has no UTC offset; left out", self.source, value)
            return None
        # the text after the date, whatever separates them (a colon, a dash, a bar...)
        parts = [time.tail or ""]
        for sib in time.itersiblings():
            parts += [text_of(sib, True), sib.tail or ""]
        text = _LEADING_SEPARATOR.sub("", "".join(parts), count=1)
        text = text if self.verbatim else " ".join(text.split())
        return {"date": value, "text": text} if text.strip() else None

    def _standfirst_fallback(self, out: dict[str, Any]) -> None:
        if out.get("standfirst"):
            return
        description = ld_text(self.ld.get("description")) or self.prop(
            "og:description", "twitter:description", "description")
        if not description or description == out.get("headline"):
            return
        first = next((b for b in out.get("body", []) if b["type"] == "paragraph"), None)
        if first is not None:
            text = first["content"] if isinstance(first["content"], str) else _plain(first["content"])
            # rstrip first: a leading \s* in the pattern backtracked quadratically on spaces
            stem = re.sub(r"(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)$", "", description.rstrip()).strip()
            if text.startswith(stem) or " ".join(text.split()).startswith(stem):
                return  # an excerpt of the first paragraph, not a standfirst
        out["standfirst"] = description


def _plain(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(_plain(p.get("content", "")) if isinstance(p, dict) else p for p in content)


def _is_standfirst(el: Any) -> bool:
    if el.tag not in ("p", "div", "h2", "span", "section") or len(text_of(el)) > 600:
        return False
    return bool(class_words(el) & STANDFIRST_WORDS) or (el.get("itemprop") or "") in (
        "description", "alternativeHeadline")


def _author_container(parts: list[Any]) -> list[Any]:
    """What to take out of the page with microdata authors: the element holding
    them when it holds little else (``<div><span>A</span> and <span>B</span></div>``),
    else the authors alone."""
    if not parts:
        return []
    holder = parts[0].getparent()
    for part in parts[1:]:
        if holder is None:
            break
        holder = _common_ancestor(holder, part)
    if holder is None or holder.tag in ("article", "main", "body", "header", "html"):
        return parts
    rest = len(text_of(holder)) - sum(len(text_of(p)) for p in parts)
    return [holder] if rest <= 12 else parts


def _common_ancestor(a: Any, b: Any) -> Any:
    ancestors_a = [a, *a.iterancestors()]
    for node in [b, *b.iterancestors()]:
        if node in ancestors_a:
            return node
    return ancestors_a[-1]


def _drop(el: Any) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
