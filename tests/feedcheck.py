"""Offline checks of RSS 2.0 / Atom 1.0 output against the W3C feed validator's rules.

The W3C validator itself now runs offline too (vendored under
``tests/vendor/feedvalidator``, driven by ``tests/feedvalidator_run.py``,
used in ``tests/test_clients_feeds.py``); these functions re-state the rules
that apply to what exporter writes, read from its source, and give the older
tests precise, per-element messages. Each returns a list of problems ("" = none); an empty list
means no error and no warning for the rules covered.

Covered (RSS 2.0): channel title/link/description present, single and
non-blank; ``docs`` is the RSS board URL; ``atom:link rel="self"`` present
(MissingAtomSelfLink); RFC 2822 dates with the right day of week, a
``+hh00``/``+hh30`` zone and not before 1990 (InvalidRFC2822Date,
IncorrectDOW, ProblematicalRFC822Date, ImplausibleDate); full URIs in
links, guids, enclosures and media URLs, ASCII only (InvalidFullLink,
InvalidUriChar); every item has a guid (MissingGuid), guids unique
(DuplicateValue), permalink guids are http(s) URLs (InvalidHttpGUID);
``description`` before ``content:encoded`` (NeedDescriptionBeforeContent);
no duplicated item elements; no ``author`` together with ``dc:creator``
(DuplicateItemSemantics); plain-text elements hold no HTML (ContainsHTML,
CharacterData); HTML in ``description``/``content:encoded`` parses with
html5lib in strict mode (NotHtml), uses only safe elements and attributes
(SecurityRisk, SecurityRiskAttr) and no relative URLs (ContainsRelRef);
enclosure length a non-negative integer and type a MIME type; Media RSS:
no ``media:group`` with a single content (MediaGroupWithoutAlternatives),
``medium`` from the allowed set, positive width/height/fileSize,
``type="plain"`` text constructs, credit roles lower-case.

Covered (Atom 1.0): feed id/title/updated/author, ``link rel="self"``
(MissingSelf), entry id (unique)/title/updated/author, RFC 3339 dates,
``content type="html"`` parsed as above.

Not covered: the ISO 639 language table (only the tag's shape is checked),
the HTTP-level checks (content type, encoding headers), and
SelfDoesntMatchLocation, which depends on where the file is fetched from.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable
from html.entities import name2codepoint

from lxml import etree

MEDIA = "http://search.yahoo.com/mrss/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"media": MEDIA, "content": CONTENT, "dc": DC, "atom": ATOM}

_RFC2822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d? (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep"
                      r"|Oct|Nov|Dec) \d{4} \d\d:\d\d(:\d\d)? [+-]\d\d[03]0$")
_RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*)?(Z|[+-]\d\d:\d\d)$")
_FULL_URI = re.compile(r"^[a-zA-Z][0-9a-zA-Z+\-.]*:(//)?[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#]+$")
_HTTP_URL = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d+)?(/|$)")
_MIME = re.compile(r"^[^\s()<>,;:\\\"/\[\]?=]+/[^\s()<>,;:\\\"/\[\]?=]+$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_HTML_END_TAG = re.compile(r"</(\w+)>")
_RSS_PROFILE_MARKUP = re.compile(r"&#[x0-9]|<[/a-zA-Z]")
_ENTITY = re.compile(r"&(#?\w+)")

#: what exporter's article HTML may contain: a subset of the validator's acceptable lists
SAFE_ELEMENTS = {"a", "article", "blockquote", "br", "cite", "div", "em", "figcaption", "figure",
                 "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "img", "li", "ol", "p",
                 "section", "span", "strong", "time", "ul"}
SAFE_ATTRIBUTES = {"alt", "class", "datetime", "dir", "height", "href", "id", "lang", "src",
                   "width"}
HTML_NAMES = SAFE_ELEMENTS | {"b", "i", "u", "script", "style", "table", "td", "tr", "code", "pre"}
MEDIUMS = {"image", "audio", "video", "document", "executable"}


def _full_uri(value: str | None, what: str) -> list[str]:
    if not value or not _FULL_URI.match(value):
        return [f"{what}: not a full ASCII URI: {value!r}"]
    return []


def _rfc2822(value: str | None, what: str) -> list[str]:
    if not value or not _RFC2822.match(value):
        return [f"{what}: not an RFC 2822 date: {value!r}"]
    when = email.utils.parsedate_to_datetime(value)
    if when.strftime("%a") != value[:3]:
        return [f"{what}: wrong day of week in {value!r}"]
    if when.year < 1990:
        return [f"{what}: implausible date {value!r}"]
    return []


def _plain(value: str | None, what: str, hexrefs: bool = False) -> list[str]:
    """nonhtml: no end tag of an HTML element; text that looks like markup or an entity
    only when its source line spells characters as hex references (``&#x``), which is
    how the validator's RSS-profile rules tell intended character data from HTML."""
    value = value or ""
    if any(t.lower() in HTML_NAMES for t in _HTML_END_TAG.findall(value)):
        return [f"{what}: contains HTML"]
    entities = [e for e in _ENTITY.findall(value)
                if e in name2codepoint or e == "apos" or not e.isalpha()]
    if (entities or _RSS_PROFILE_MARKUP.search(value)) and not hexrefs:
        return [f"{what}: character data looks like markup or an entity"]
    return []


def _hexrefs(elem: etree._Element, lines: list[str]) -> bool:
    first = (elem.sourceline or 1) - 1
    last = first + (elem.text or "").count("\n")
    return any("&#x" in line for line in lines[first:last + 1])


def html_problems(html: str, what: str) -> list[str]:
    """safeHtml: strict HTML5 parse, safe elements/attributes, absolute URLs only."""
    import html5lib

    try:
        fragment = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(html)
    except html5lib.html5parser.ParseError as exc:
        return [f"{what}: not HTML: {exc}"]
    problems = []
    for elem in fragment.iter():
        if not isinstance(elem.tag, str) or elem.tag == "DOCUMENT_FRAGMENT":
            continue
        if elem.tag not in SAFE_ELEMENTS:
            problems.append(f"{what}: unsafe or unknown element <{elem.tag}>")
        for name, value in elem.attrib.items():
            if name.lower() not in SAFE_ATTRIBUTES and not name.lower().startswith("data-"):
                problems.append(f"{what}: unsafe attribute {name} on <{elem.tag}>")
            if name in ("src", "href") and not re.match(r"\w+:", value.strip()):
                problems.append(f"{what}: relative URL {value!r}")
    return problems


def _media(elem: etree._Element, what: str, lines: list[str]) -> list[str]:
    problems = []
    if elem.tag == f"{{{MEDIA}}}group" and len(elem.findall("media:content", NS)) < 2:
        problems.append(f"{what}: media:group without alternatives")
    for content in elem.iter(f"{{{MEDIA}}}content"):
        problems += _full_uri(content.get("url"), f"{what} media:content/@url")
        if content.get("medium") not in (None, *MEDIUMS):
            problems.append(f"{what}: media:content medium {content.get('medium')!r}")
        if content.get("type") and not _MIME.match(content.get("type")):
            problems.append(f"{what}: media:content type {content.get('type')!r}")
        for attr in ("width", "height", "fileSize"):
            value = content.get(attr)
            if value is not None and not (value.isdigit() and int(value) > 0):
                problems.append(f"{what}: media:content {attr}={value!r}")
    for tag in ("title", "description", "text"):
        for node in elem.iter(f"{{{MEDIA}}}{tag}"):
            if node.get("type") not in (None, "plain", "html"):
                problems.append(f"{what}: media:{tag} type {node.get('type')!r}")
            if node.get("type") != "html":
                problems += _plain(node.text, f"{what} media:{tag}", _hexrefs(node, lines))
    for credit in elem.iter(f"{{{MEDIA}}}credit"):
        role = credit.get("role")
        if role is not None and role != role.lower():
            problems.append(f"{what}: media:credit role {role!r}")
    return problems


def rss_problems(data: bytes) -> list[str]:
    """Problems the W3C validator would report (errors and warnings) in an RSS 2.0 feed."""
    root = etree.fromstring(data)
    if root.tag != "rss" or root.get("version") != "2.0":
        return ["not RSS 2.0"]
    lines = data.decode("utf-8").split("\n")

    def plain(elem: etree._Element, what: str) -> list[str]:
        return _plain(elem.text, what, _hexrefs(elem, lines))

    channel = root.find("channel")
    problems: list[str] = []
    for tag in ("title", "link", "description"):
        found = channel.findall(tag)
        if len(found) != 1 or not (found[0].text or "").strip():
            problems.append(f"channel: needs exactly one non-blank <{tag}>")
    problems += _full_uri(channel.findtext("link"), "channel link")
    for tag in ("title", "description"):
        if channel.find(tag) is not None:
            problems += plain(channel.find(tag), f"channel {tag}")
    if channel.findtext("docs") not in (None, "http://www.rssboard.org/rss-specification"):
        problems.append("channel: docs is not the RSS board URL")
    language = channel.findtext("language")
    if language is not None and not _LANG.match(language):
        problems.append(f"channel: language {language!r}")
    selfs = [link for link in channel.findall("atom:link", NS) if link.get("rel") == "self"]
    if not selfs:
        problems.append("channel: no atom:link rel=self")
    for link in selfs:
        problems += _full_uri(link.get("href"), "atom:link self")
    for tag in ("lastBuildDate", "pubDate"):
        if channel.find(tag) is not None:
            problems += _rfc2822(channel.findtext(tag), f"channel {tag}")
    guids: set[str] = set()
    for index, item in enumerate(channel.findall("item")):
        what = f"item {index}"
        tags = [child.tag for child in item]
        for tag in set(tags):
            if tags.count(tag) > 1 and tag not in (f"{{{DC}}}creator", "category"):
                problems.append(f"{what}: duplicate <{tag}>")
        if "title" not in tags and "description" not in tags:
            problems.append(f"{what}: needs a title or a description")
        if item.find("title") is not None:
            title = item.findtext("title") or ""
            problems += plain(item.find("title"), f"{what} title") if title.strip() \
                else [f"{what}: blank title"]
        if item.find("link") is not None:
            problems += _full_uri(item.findtext("link"), f"{what} link")
        guid = item.find("guid")
        if guid is None:
            problems.append(f"{what}: no guid")
        else:
            value = guid.text or ""
            if guid.get("isPermaLink", "true") == "true":
                if not _HTTP_URL.match(value):
                    problems.append(f"{what}: permalink guid is not an http(s) URL: {value!r}")
                problems += _full_uri(value, f"{what} guid")
            elif value.isdigit() and len(value) < 9:
                problems.append(f"{what}: guid not sufficiently unique")
            if value in guids:
                problems.append(f"{what}: duplicate guid {value!r}")
            guids.add(value)
        if item.find("pubDate") is not None:
            problems += _rfc2822(item.findtext("pubDate"), f"{what} pubDate")
        encoded = f"{{{CONTENT}}}encoded"
        if encoded in tags and ("description" not in tags
                                or tags.index("description") > tags.index(encoded)):
            problems.append(f"{what}: content:encoded before description")
        if "author" in tags and f"{{{DC}}}creator" in tags:
            problems.append(f"{what}: author and dc:creator together")
        for tag in ("description", encoded):
            if item.find(tag) is not None:
                problems += html_problems(item.find(tag).text or "", f"{what} {tag}")
        for category in item.findall("category"):
            text = category.text or ""
            problems += plain(category, f"{what} category") if text.strip() \
                else [f"{what}: blank category"]
        for enclosure in item.findall("enclosure"):
            url, length, mime = (enclosure.get(a) for a in ("url", "length", "type"))
            if not url or not _HTTP_URL.match(url):
                problems.append(f"{what}: enclosure url {url!r}")
            if length is None or not length.isdigit():
                problems.append(f"{what}: enclosure length {length!r}")
            if mime is None or not _MIME.match(mime):
                problems.append(f"{what}: enclosure type {mime!r}")
        problems += _media(item, what, lines)
    return problems


def _duplicate_links(links: list[etree._Element], what: str) -> list[str]:
    """DuplicateAtomLink: one link per (rel, type, hreflang); no rel means alternate."""
    keys = [(ln.get("rel", "alternate"), ln.get("type"), ln.get("hreflang")) for ln in links]
    return [f"{what}: duplicate link {k}" for k in sorted(set(keys), key=str) if keys.count(k) > 1]


def atom_problems(data: bytes) -> list[str]:
    """Problems the W3C validator would report in an Atom 1.0 feed."""
    root = etree.fromstring(data)
    if root.tag != f"{{{ATOM}}}feed":
        return ["not Atom 1.0"]
    a = {"a": ATOM, **NS}
    problems: list[str] = []
    for tag in ("id", "title", "updated"):
        if len(root.findall(f"a:{tag}", a)) != 1:
            problems.append(f"feed: needs exactly one <{tag}>")
    problems += _full_uri(root.findtext("a:id", namespaces=a), "feed id")
    if not _RFC3339.match(root.findtext("a:updated", default="", namespaces=a)):
        problems.append("feed: updated is not RFC 3339")
    feed_author = root.find("a:author/a:name", a) is not None
    links = root.findall("a:link", a)
    if not any(link.get("rel") == "self" for link in links):
        problems.append("feed: no link rel=self")
    problems += _duplicate_links(links, "feed")
    ids: set[str] = set()
    for index, entry in enumerate(root.findall("a:entry", a)):
        what = f"entry {index}"
        for tag in ("id", "title", "updated"):
            if len(entry.findall(f"a:{tag}", a)) != 1:
                problems.append(f"{what}: needs exactly one <{tag}>")
        entry_id = entry.findtext("a:id", default="", namespaces=a)
        problems += _full_uri(entry_id, f"{what} id")
        if entry_id in ids:
            problems.append(f"{what}: duplicate id")
        ids.add(entry_id)
        for tag in ("updated", "published"):
            value = entry.findtext(f"a:{tag}", namespaces=a)
            if value is not None and not _RFC3339.match(value):
                problems.append(f"{what}: {tag} is not RFC 3339")
        if not feed_author and entry.find("a:author/a:name", a) is None:
            problems.append(f"{what}: no author (and none on the feed)")
        content = entry.find("a:content", a)
        alternate = [ln for ln in entry.findall("a:link", a) if ln.get("rel", "alternate") == "alternate"]
        if content is None and not alternate:
            problems.append(f"{what}: needs content or a link rel=alternate")
        if content is not None:
            if content.get("type") != "html":
                problems.append(f"{what}: content type {content.get('type')!r}")
            problems += html_problems(content.text or "", f"{what} content")
        problems += _duplicate_links(entry.findall("a:link", a), what)
        for link in entry.findall("a:link", a):
            problems += _full_uri(link.get("href"), f"{what} link")
            if link.get("length") is not None and not link.get("length").isdigit():
                problems.append(f"{what}: link length {link.get('length')!r}")
        problems += _media(entry, what, data.decode("utf-8").split("\n"))
    return problems


def texts(elements: Iterable[etree._Element]) -> list[str]:
    return [e.text or "" for e in elements]
