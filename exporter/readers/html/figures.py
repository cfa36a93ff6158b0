"""Figures: which picture a ``<figure>`` (or lone ``<img>``) shows, its caption and credit.

CMSs mark credits up in many ways (a ``credit`` span, ``itemprop``, a
``Photo: Name`` label or a ``(Name)`` at the end of the caption), and pages
lazy-load pictures behind ``data-src`` with a placeholder in ``src``; the
rules here find the real picture and keep the credit apart from the caption,
as the model holds them apart.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from exporter.readers.html.chrome import class_words, has_class, has_itemprop, text_of
from exporter.readers.text.rules import split_caption

_CREDIT_LABEL = re.compile(r"^\s*(?:photo(?:graph)?s?|pictures?|image|credit|foto|illustration|"
                           r"graphic|source)\s*:\s*|^\s*(?:photo|picture|image)s?\s+by\s+", re.I)


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
            or has_itemprop(node, "copyrightHolder", "creator", "author", "creditText")
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
        inner = [n for n in caption_el.iter() if n is not caption_el and isinstance(n.tag, str)]
        exact = next((n for n in inner if has_itemprop(n, "caption")), None)
        if exact is None:
            exact = next((n for n in inner if has_class(n, "caption", "caption-text")), None)
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
