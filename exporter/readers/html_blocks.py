"""HTML -> the model's blocks and inlines, for the HTML and ninjs readers.

Input HTML is untrusted. It is cleaned in two steps: page chrome (ads,
share bars, related links, scripts, forms...) is removed from the lxml tree,
then what is left is sanitised by nh3 to a short whitelist of tags and
attributes (links: http, https and mailto only) before it is turned into
plain JSON data in the canonical form. Nothing of the input HTML reaches a
writer: writers render from the model.

Two whitespace modes: ``collapse`` (web pages: runs of white space are one
space, paragraph ends trimmed) and verbatim (exporter's own rendering inside
ninjs, where text is exactly what the model held).
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from typing import Any

from lxml import html as lhtml

from .text import split_caption

log = logging.getLogger("exporter")

# Removed with their content before anything else looks at the tree.
DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "form", "nav",
    "aside", "object", "embed", "svg", "math", "button", "select", "textarea", "input",
    "canvas", "video", "audio", "map", "dialog", "link", "meta", "head", "title",
})
CHROME_ROLES = frozenset({"navigation", "banner", "complementary", "contentinfo", "search",
                          "dialog", "alertdialog", "menu", "menubar", "toolbar"})
_CHROME_WORDS = frozenset({
    "ad", "ads", "advert", "adverts", "advertisement", "advertisements", "advertising", "adslot",
    "adunit", "adsbygoogle", "dfp", "promo", "promos", "promotion", "promoted", "related",
    "newsletter", "newsletters", "share", "shares", "sharing", "sharebar", "social", "cookie",
    "cookies", "consent", "gdpr", "subscribe", "subscription", "paywall", "comments", "comment",
    "commenting", "recommended", "recommendations", "outbrain", "taboola", "sponsor", "sponsored",
    "breadcrumb", "breadcrumbs", "sidebar", "popup", "modal", "nav", "navbar", "navigation",
    "menu", "masthead", "trending", "mostread", "readmore", "skiplink", "signup", "donate",
    "donation", "hidden", "invisible", "offscreen", "screenreader", "sronly", "print", "tools",
    "toolbar", "widget", "carousel", "ticker", "banner", "teaser", "teasers",
})
_CHROME_PAIRS = ({"most", "read"}, {"most", "popular"}, {"read", "more"}, {"more", "stories"},
                 {"sr", "only"}, {"visually", "hidden"}, {"you", "may", "like"}, {"also", "read"},
                 {"sign", "up"}, {"skip", "link"}, {"screen", "reader"})
_CHROME_STEMS = ("related", "advert", "promo", "newsletter", "sharing", "sharedaddy", "sharebar",
                 "social", "cookie", "subscri", "sponsor", "recommend", "outbrain", "taboola",
                 "breadcrumb", "paywall", "adsense", "adslot", "adunit", "adcontainer")
# Structure names that contain a chrome word but are article parts.
_NOT_CHROME = frozenset({"article-footer", "article-header", "lead-figure", "byline",
                         "attribution", "corrections", "credit"})

SAFE_SCHEMES = ("http://", "https://", "mailto:")
BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "figure",
                        "div", "section", "article", "main", "header", "footer", "table", "pre",
                        "dl", "hr", "img", "picture", "figcaption", "address", "center", "details"})
ALLOWED_TAGS = BLOCK_TAGS | {"li", "em", "i", "strong", "b", "a", "br", "cite", "span", "small",
                             "sup", "sub", "u", "mark", "q", "abbr", "time", "code", "thead",
                             "tbody", "tfoot", "tr", "td", "th", "caption", "dt", "dd", "s",
                             "del", "ins", "summary", "var", "kbd", "samp", "dfn", "bdi", "bdo"}
_WS = re.compile(r"[ \t\n\r\f]+")
_DASH = re.compile(r"^\s*(?:—|―|–|-{1,2}|~)\s*")
_CREDIT_LABEL = re.compile(r"^\s*(?:photo(?:graph)?s?|pictures?|image|credit|foto|illustration|"
                           r"graphic|source)\s*:\s*|^\s*(?:photo|picture|image)s?\s+by\s+", re.I)


def words_of(value: str) -> set[str]:
    """Class/id tokens split into lower-case words: ``ArticleShare-bar`` -> article, share, bar."""
    out: set[str] = set()
    for token in value.split():
        out.add(token.lower())
        for part in re.split(r"[-_:]+", token):
            out.update(w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", part))
    return out


def class_words(el: Any) -> set[str]:
    return words_of(f"{el.get('class') or ''} {el.get('id') or ''}")


def has_class(el: Any, *names: str) -> bool:
    tokens = set((el.get("class") or "").lower().split())
    return any(n in tokens for n in names)


def is_chrome(el: Any) -> bool:
    """Page chrome by tag, ARIA role, hidden state or class/id words (ad, share, related...)."""
    if not isinstance(el.tag, str):
        return True  # comments, processing instructions
    if el.tag in DROP_TAGS or (el.get("role") or "").lower() in CHROME_ROLES:
        return True
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    tokens = set(f"{el.get('class') or ''} {el.get('id') or ''}".lower().split())
    if tokens & _NOT_CHROME:
        return False
    words = class_words(el)
    return bool(words & _CHROME_WORDS) or any(pair <= words for pair in _CHROME_PAIRS) or \
        any(w.startswith(_CHROME_STEMS) for w in words)


def text_of(el: Any, verbatim: bool = False) -> str:
    """The visible text of an element (scripts and styles left out)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node.tag, str) and node.tag not in ("script", "style", "template"):
            if node.tag == "br":
                parts.append("\n" if verbatim else " ")
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
        if node.tail and node is not el:
            parts.append(node.tail)

    walk(el)
    text = "".join(parts)
    return text if verbatim else " ".join(text.split())


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


def image_src(img: Any, base_url: str | None) -> str | None:
    """The picture an ``<img>`` shows: lazy-loading attributes first, then ``src``."""
    candidates = [img.get(a) for a in ("data-src", "data-lazy-src", "data-original", "data-url")]
    srcset = img.get("data-srcset") or img.get("srcset")
    candidates.append(img.get("src"))
    if srcset:
        candidates.append(srcset.split(",")[0].strip().split(" ")[0])
    for src in candidates:
        if not src or not src.strip():
            continue
        src = src.strip()
        low = src.lower()
        if low.startswith("data:") and (not low.startswith("data:image/") or len(src) < 200):
            continue  # a 1x1 placeholder, or not a picture
        if src.startswith("//"):
            return "https:" + src
        if src.startswith("/") and base_url:
            return urllib.parse.urljoin(base_url, src)
        if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
            if not low.startswith(("http://", "https://", "data:image/", "file:")):
                continue
            return src
        return urllib.parse.unquote(src)  # a path next to the page (nh3 escapes spaces)
    return None


def sanitise(el: Any) -> Any:
    """nh3-clean an element's HTML to the whitelist; returns a new ``<div>`` tree."""
    import nh3

    raw = lhtml.tostring(el, encoding="unicode", method="html", with_tail=False)

    def keep(tag: str, attr: str, value: str) -> str | None:
        low = value.strip().lower()
        if attr == "href" and low.startswith("data:"):
            return None
        if attr == "src" and low.startswith("data:") and not low.startswith("data:image/"):
            return None
        return value

    cleaned = nh3.clean(
        raw, tags=set(ALLOWED_TAGS), clean_content_tags=set(DROP_TAGS),
        attributes={"*": {"class"}, "a": {"href"}, "img": {"src", "alt", "width", "height"},
                    "time": {"datetime"}},
        attribute_filter=keep, url_schemes={"http", "https", "mailto", "data"},
        link_rel=None, strip_comments=True)
    return lhtml.fragment_fromstring(cleaned or "", create_parent="div")


# --- people ---------------------------------------------------------------------------


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


def structured_person(el: Any, verbatim: bool) -> dict[str, str] | None:
    """A person marked up with name/role/organisation parts (exporter's own rendering too)."""
    def part(*classes: str, itemprops: tuple[str, ...] = ()) -> str | None:
        for node in el.iter():
            if node is el or not isinstance(node.tag, str):
                continue
            if has_class(node, *classes) or (node.get("itemprop") or "") in itemprops:
                value = text_of(node, verbatim)
                return value if value.strip() else None
        return None

    name = part("byline-name", "author-name", "name", itemprops=("name",))
    if name is None:
        cites = [c for c in el.iter("cite")]
        name = text_of(cites[0], verbatim) if cites else None
    if name is None or not name.strip():
        return None
    person = {"name": name}
    role = part("byline-role", "attribution-role", "role", "job-title", "author-title",
                "jobtitle", itemprops=("jobTitle",))
    org = part("byline-org", "attribution-org", "organisation", "organization",
               itemprops=("worksFor", "affiliation"))
    if role:
        person["role"] = role
    if org:
        person["organisation"] = org
    return person


# --- figures --------------------------------------------------------------------------

_CREDIT_CLASSES = ("credit", "credits", "photo-credit", "image-credit", "caption-credit",
                   "copyright", "byline", "photographer", "source", "media-credit",
                   "wp-caption-credit", "image-source", "img-credit", "fig-credit")


_CREDIT_WORDS = frozenset({"credit", "credits", "copyright", "photographer", "byline"})


def _credit_elements(figure: Any) -> list[Any]:
    found = []
    for node in figure.iter():
        if not isinstance(node.tag, str) or node is figure:
            continue
        credit = has_class(node, *_CREDIT_CLASSES) or bool(class_words(node) & _CREDIT_WORDS) \
            or (node.get("itemprop") or "") in ("copyrightHolder", "creator", "author", "creditText")
        if credit and not any(anc in found for anc in node.iterancestors()):
            found.append(node)
    return found


def parse_figure(figure: Any, base_url: str | None, verbatim: bool = False
                 ) -> dict[str, Any] | None:
    """A ``<figure>`` (or lone image) -> image dict; ``alt`` is None when the img has none."""
    imgs = [figure] if figure.tag == "img" else list(figure.iter("img"))
    img = next((i for i in imgs if image_src(i, base_url) and not _is_pixel(i)), None)
    if img is None:
        return None
    image: dict[str, Any] = {"src": image_src(img, base_url), "alt": img.get("alt")}
    for dim in ("width", "height"):
        value = (img.get(dim) or "").strip()
        if value.isdigit() and int(value) > 0:
            image[dim] = int(value)
    caption_el = next(iter(figure.iter("figcaption")), None) if figure.tag != "img" else None
    credits = _credit_elements(figure) if figure.tag != "img" else []
    credit = None
    if credits:
        credit = text_of(credits[0], verbatim)
        if not verbatim:
            if credit.startswith("(") and credit.endswith(")"):
                credit = credit[1:-1].strip()
            credit = _CREDIT_LABEL.sub("", credit)
    caption = None
    if caption_el is not None:
        exact = next((n for n in caption_el.iter() if has_class(n, "caption", "caption-text")
                      and n is not caption_el), None)
        if exact is not None:
            caption = text_of(exact, verbatim)
        else:
            caption = _text_without(caption_el, credits)
            if credit is None:
                split = _split_labelled(caption)
                if split:
                    caption, credit = split
    if caption is not None and caption.strip():
        image["caption"] = caption
    if credit is not None and credit.strip():
        image["credit"] = credit.strip() if not verbatim else credit
    return image


def _is_pixel(img: Any) -> bool:
    """A tracking pixel (1x1 or 0x0) is no picture."""
    sizes = [(img.get(d) or "").strip() for d in ("width", "height")]
    return any(v.isdigit() and int(v) <= 2 for v in sizes)


def _split_labelled(caption: str) -> tuple[str, str] | None:
    split = split_caption(caption)
    if split is None:
        m = _CREDIT_LABEL.match(caption)
        return ("", caption[m.end():].strip()) if m else None
    return split


def _text_without(el: Any, skip: list[Any]) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node in skip:
            if node.tail:
                parts.append(node.tail)
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if node.tail and node is not el:
            parts.append(node.tail)

    walk(el)
    text = re.sub(r"\(\s*\)", "", " ".join("".join(parts).split()))
    return text.strip(" |–—·,;/").strip()


# --- the converter --------------------------------------------------------------------


class BlockBuilder:
    """Turns a sanitised tree into the canonical ``body`` list."""

    def __init__(self, base_url: str | None = None, verbatim: bool = False,
                 source: str = "<input>") -> None:
        self.base_url = base_url
        self.verbatim = verbatim
        self.source = source
        self.figures_without_alt = 0
        self._warned_table = False

    def blocks(self, container: Any) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        self._container(container, out)
        return out

    # -- blocks ---------------------------------------------------------------------

    def _container(self, el: Any, out: list[dict[str, Any]]) -> None:
        pending: list[Any] = [el.text] if el.text else []
        for child in el:
            if not isinstance(child.tag, str):
                pass
            elif child.tag in BLOCK_TAGS or any(
                    isinstance(d.tag, str) and d.tag in BLOCK_TAGS - {"img"} for d in child.iter()
                    if d is not child):
                self._paragraphs(pending, out)
                pending = []
                self._block(child, out)
            else:
                pending.append(child)
            if child.tail:
                pending.append(child.tail)
        self._paragraphs(pending, out)

    def _paragraphs(self, items: list[Any], out: list[dict[str, Any]]) -> None:
        """Loose inline content; a double ``<br>`` separates paragraphs."""
        run: list[Any] = []
        for part in [*self.inline_parts(items), None]:
            if part is None or (isinstance(part, dict) and part.get("type") == "break"
                                and run and run[-1] == {"type": "break"}):
                content = self.finish(run[:-1] if run and run[-1] == {"type": "break"} else run)
                if content and not (isinstance(content, str) and not content.strip()):
                    out.append({"type": "paragraph", "content": content})
                run = []
            else:
                run.append(part)

    def _block(self, el: Any, out: list[dict[str, Any]]) -> None:
        tag = el.tag
        if tag == "p":
            lone = self._lone_image(el)
            if lone is not None:
                self._figure(lone, out)
                return
            content = self.inline(el)
            if content:
                out.append({"type": "paragraph", "content": content})
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            content = self.inline(el)
            if content:
                level = min(max(int(tag[1]), 2), 4)
                out.append({"type": "heading", "level": level, "content": content})
        elif tag in ("ul", "ol"):
            items = self._list_items(el)
            if items:
                out.append({"type": "list", "ordered": tag == "ol", "items": items})
        elif tag == "blockquote":
            quote = self.quote(el)
            if quote is not None:
                out.append(quote)
        elif tag in ("figure", "img", "picture"):
            self._figure(el, out)
        elif tag == "table":
            self._table(el, out)
        elif tag == "pre":
            text = text_of(el, verbatim=True).strip("\n")
            if text.strip():
                parts: list[Any] = []
                for n, line in enumerate(text.split("\n")):
                    parts += ([{"type": "break"}] if n else []) + ([line] if line else [])
                out.append({"type": "paragraph", "content": self.finish(parts, collapse=False)})
        elif tag == "hr":
            return
        elif tag == "figcaption":
            content = self.inline(el)
            if content:
                out.append({"type": "paragraph", "content": content})
        else:  # div, section, header, footer, dl, address...
            self._container(el, out)

    def _lone_image(self, p: Any) -> Any | None:
        imgs = list(p.iter("img"))
        if len(imgs) == 1 and not text_of(p).strip():
            return imgs[0]
        return None

    def _figure(self, el: Any, out: list[dict[str, Any]]) -> None:
        image = parse_figure(el, self.base_url, self.verbatim)
        if image is None:
            # A figure without a picture (a pull quote, an embed): keep its text.
            self._container(el, out)
            return
        out.append({"type": "figure", "image": self.fix_alt(image, "body figure")})

    def fix_alt(self, image: dict[str, Any], where: str) -> dict[str, Any]:
        if image.get("alt") is None:
            image["alt"] = image.get("caption") or ""
            log.warning("%s: %s: the picture %r has no alt attribute; %s", self.source, where,
                        image["src"][:60], "its caption stands in" if image["alt"] else
                        "left empty")
        return image

    def _list_items(self, el: Any) -> list[Any]:
        items: list[Any] = []
        for li in el:
            if not isinstance(li.tag, str):
                continue
            nested = [c for c in li if isinstance(c.tag, str) and c.tag in ("ul", "ol")]
            parts: list[Any] = [li.text] if li.text else []
            for child in li:
                if child in nested:
                    if child.tail:
                        parts.append(child.tail)
                    continue
                if isinstance(child.tag, str) and child.tag == "p" and parts:
                    parts.append({"_break": True})
                parts.append(child)
                if child.tail:
                    parts.append(child.tail)
            content = self.finish(self.inline_parts(parts))
            if content:
                items.append(content)
            for sub in nested:
                items.extend(self._list_items(sub))
        return items

    def _table(self, el: Any, out: list[dict[str, Any]]) -> None:
        if not self._warned_table:
            log.warning("%s: body: a table has no place in the article model; each row became "
                        "a paragraph (cells joined with ' | ')", self.source)
            self._warned_table = True
        for row in el.iter("tr"):
            cells = [text_of(c) for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
            line = " | ".join(c for c in cells if c)
            if line:
                out.append({"type": "paragraph", "content": line})

    def quote(self, el: Any) -> dict[str, Any] | None:
        """``<blockquote>``: paragraphs joined by breaks; footer/cite is the attribution."""
        attribution: dict[str, str] | None = None
        footer = next((f for f in el.iter("footer")), None)
        if footer is not None:
            attribution = structured_person(footer, self.verbatim) if footer.find(".//cite") \
                is not None or footer.find(".//span") is not None else None
            if attribution is not None and set(attribution) == {"name"} and not self.verbatim:
                # "— <cite>Name</cite>, role": the role is the text after the name
                full = _DASH.sub("", text_of(footer))
                if full.startswith(attribution["name"]):
                    role = full[len(attribution["name"]):].lstrip(" ,،").strip()
                    if role:
                        attribution["role"] = role
            attribution = attribution or person_from_text(text_of(footer))
            _remove(footer)
        else:
            cites = list(el.iter("cite"))
            if cites:
                attribution = self._cite_attribution(el, cites[-1])
        paragraphs = [c for c in el if isinstance(c.tag, str) and c.tag in BLOCK_TAGS]
        if attribution is None and len(paragraphs) > 1 and paragraphs[-1].tag == "p" \
                and re.match(r"^\s*(?:—|―|–)", text_of(paragraphs[-1])):
            attribution = person_from_text(text_of(paragraphs[-1]))
            _remove(paragraphs[-1])
        inner: list[dict[str, Any]] = []
        self._container(el, inner)
        parts: list[Any] = []
        for n, block in enumerate(b for b in inner if b["type"] in ("paragraph", "heading")):
            if n:
                parts.append({"type": "break"})
            content = block["content"]
            parts.extend([content] if isinstance(content, str) else content)
        content = self.finish(parts, collapse=False)
        if not content:
            return None
        quote: dict[str, Any] = {"type": "quote", "content": content}
        if attribution:
            quote["attribution"] = attribution
        return quote

    def _cite_attribution(self, quote: Any, cite: Any) -> dict[str, str] | None:
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

    # -- inlines --------------------------------------------------------------------

    def inline(self, el: Any) -> Any:
        items: list[Any] = [el.text] if el.text else []
        for child in el:
            items.append(child)
            if child.tail:
                items.append(child.tail)
        return self.finish(self.inline_parts(items))

    def inline_parts(self, items: list[Any]) -> list[Any]:
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


def _text_before(holder: Any, target: Any) -> str:
    parts = [holder.text or ""]
    for child in holder:
        if child is target:
            break
        parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _strip_trailing_dash(holder: Any) -> None:
    if len(holder):
        holder[-1].tail = re.sub(r"\s*(?:—|―|–|-{1,2})?\s*$", "", holder[-1].tail or "") or None
    else:
        holder.text = re.sub(r"\s*(?:—|―|–|-{1,2})?\s*$", "", holder.text or "")


def _remove(el: Any) -> None:
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
