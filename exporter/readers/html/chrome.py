"""Which parts of an untrusted HTML page are page chrome, and what survives.

The first of the two cleaning steps (see :mod:`.blocks`): elements are
classified by tag, ARIA role, hidden state and the words of their class/id
(``ArticleShare-bar`` is a share bar), so ads, share bars, related links and
the like are dropped before the body is looked for. What is left is then
sanitised by nh3 to :data:`ALLOWED_TAGS`, so the converters only ever see a
short, known vocabulary of tags and attributes.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import html as lhtml

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

# What the sanitiser keeps. A block tag starts a new block in the converter; the rest
# are inline, or parts (li, tr, dt...) their block reads itself.
BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "figure",
                        "div", "section", "article", "main", "header", "footer", "table", "pre",
                        "dl", "hr", "img", "picture", "figcaption", "address", "center", "details"})
ALLOWED_TAGS = BLOCK_TAGS | {"li", "em", "i", "strong", "b", "a", "br", "cite", "span", "small",
                             "sup", "sub", "u", "mark", "q", "abbr", "time", "code", "thead",
                             "tbody", "tfoot", "tr", "td", "th", "caption", "dt", "dd", "s",
                             "del", "ins", "summary", "var", "kbd", "samp", "dfn", "bdi", "bdo"}


def words_of(value: str) -> set[str]:
    """Class/id tokens split into lower-case words: ``ArticleShare-bar`` -> article, share, bar."""
    out: set[str] = set()
    for token in value.split():
        out.add(token.lower())
        for part in re.split(r"[-_:]+", token):
            out.update(w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", part))
    return out


def class_words(el: Any) -> set[str]:
    """The words of an element's class and id together: sites name chrome in either."""
    return words_of(f"{el.get('class') or ''} {el.get('id') or ''}")


def has_class(el: Any, *names: str) -> bool:
    """An exact class token (not a word of it): for the names CMSs give article parts."""
    tokens = set((el.get("class") or "").lower().split())
    return any(n in tokens for n in names)


def has_itemprop(el: Any, *names: str) -> bool:
    """A schema.org microdata property of the element (``itemprop`` holds a token list)."""
    tokens = (el.get("itemprop") or "").split()
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
        # class and schema.org microdata: what the converters read a part's meaning by
        attributes={"*": {"class", "itemprop", "itemscope", "itemtype"}, "a": {"href"},
                    "img": {"src", "alt", "width", "height"},
                    "time": {"datetime"}},
        attribute_filter=keep, url_schemes={"http", "https", "mailto", "data"},
        link_rel=None, strip_comments=True)
    return lhtml.fragment_fromstring(cleaned or "", create_parent="div")
