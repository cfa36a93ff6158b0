"""Low-level WordprocessingML pieces python-docx has no API for.

Used by the DOCX writer (``exporter/writers/docx/``) and the reference
document script: runs with direct formatting, external hyperlinks, complex
fields (``SEQ Figure``), picture alt text, element ordering inside ``w:pPr``
and ``w:rPr``. Imports python-docx, so only import it lazily (inside
``write``). Every string that reaches the XML passes :func:`xml_safe`, so
nothing here can raise lxml's "All strings must be XML compatible".
"""

from __future__ import annotations

from collections.abc import Callable

from docx.oxml.ns import qn
from lxml import etree

from exporter.text import has_xml_unsafe, strip_xml_unsafe

W_VAL = qn("w:val")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

#: child order of w:pPr and w:rPr (ECMA-376 Part 1, 17.3.1.26 / 17.3.2.28), for insertion
PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
             "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
             "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
             "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
             "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
             "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
             "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
             "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
             "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
             "eastAsianLayout", "specVanish", "oMath")

_T, _R, _BR, _TAB = qn("w:t"), qn("w:r"), qn("w:br"), qn("w:tab")


class Cleaner:
    """Strips characters XML cannot carry and remembers where it had to."""

    def __init__(self) -> None:
        self.fields: list[str] = []
        self.field = ""

    def __call__(self, text: str) -> str:
        if has_xml_unsafe(text):
            if self.field not in self.fields:
                self.fields.append(self.field)
            return strip_xml_unsafe(text)
        return text


def xml_safe(text: str) -> str:
    return strip_xml_unsafe(text) if has_xml_unsafe(text) else text


def sub(parent: etree._Element, tag: str, val: str | None = None,
        **attrs: str) -> etree._Element:
    """Append ``<tag w:val=val w:attr=...>`` (``tag`` like ``"w:b"``) to ``parent``."""
    el = etree.SubElement(parent, qn(tag))
    if val is not None:
        el.set(W_VAL, val)
    for key, value in attrs.items():
        el.set(qn(key.replace("_", ":", 1)) if "_" in key else qn(f"w:{key}"), value)
    return el


def set_child(parent: etree._Element, tag: str, order: tuple[str, ...],
              val: str | None = None, **attrs: str) -> etree._Element:
    """Get or create child ``w:<tag>`` of ``parent`` at its schema position, set attributes."""
    el = parent.find(qn(f"w:{tag}"))
    if el is None:
        el = place(parent, etree.Element(qn(f"w:{tag}")), order)
    if val is not None:
        el.set(W_VAL, val)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def place(parent: etree._Element, el: etree._Element,
          order: tuple[str, ...]) -> etree._Element:
    """Insert ``el`` into ``parent`` before the first child that comes later in ``order``."""
    rank = order.index(etree.QName(el).localname)
    later = {qn(f"w:{t}") for t in order[rank + 1:]}
    for child in parent:
        if child.tag in later:
            child.addprevious(el)
            return el
    parent.append(el)
    return el


def get_ppr(p: etree._Element) -> etree._Element:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.Element(qn("w:pPr"))
        p.insert(0, ppr)
    return ppr


def get_rpr(parent: etree._Element) -> etree._Element:
    """The ``w:rPr`` of a run, a style, ``w:rPrDefault`` or a paragraph's ``w:pPr``."""
    rpr = parent.find(qn("w:rPr"))
    if rpr is None:
        if parent.tag == qn("w:pPr"):
            rpr = set_child(parent, "rPr", PPR_ORDER)
        else:
            rpr = etree.Element(qn("w:rPr"))
            after = parent.find(qn("w:pPr"))
            if after is not None:
                after.addnext(rpr)
            else:
                parent.insert(0 if parent.tag == _R else len(parent), rpr)
    return rpr


# --- runs ------------------------------------------------------------------------------


class RunFormat:
    """Direct run formatting: character style, bold/italic (with the complex-script
    twins ``w:bCs``/``w:iCs``), right-to-left and the complex-script language, and
    the East Asian face and locale of a CJK article (``east_asia``: font, locale),
    so a reference document's own East Asian theme font cannot replace it."""

    __slots__ = ("bidi_lang", "bold", "east_asia", "italic", "rtl", "style_id")

    def __init__(self, style_id: str | None = None, bold: bool = False, italic: bool = False,
                 rtl: bool = False, bidi_lang: str | None = None,
                 east_asia: tuple[str, str] | None = None) -> None:
        self.style_id, self.bold, self.italic = style_id, bold, italic
        self.rtl, self.bidi_lang, self.east_asia = rtl, bidi_lang, east_asia

    def but(self, **changes: object) -> RunFormat:
        new = RunFormat(self.style_id, self.bold, self.italic, self.rtl, self.bidi_lang,
                        self.east_asia)
        for key, value in changes.items():
            setattr(new, key, value)
        return new

    def apply(self, r: etree._Element) -> None:
        if not (self.style_id or self.bold or self.italic or self.rtl or self.east_asia):
            return
        rpr = etree.SubElement(r, qn("w:rPr"))
        if self.style_id:
            sub(rpr, "w:rStyle", self.style_id)
        if self.east_asia:
            sub(rpr, "w:rFonts", eastAsia=self.east_asia[0])
        if self.bold:
            sub(rpr, "w:b")
            sub(rpr, "w:bCs")
        if self.italic:
            sub(rpr, "w:i")
            sub(rpr, "w:iCs")
        if self.rtl:
            sub(rpr, "w:rtl")
        langs = {"eastAsia": self.east_asia[1]} if self.east_asia else {}
        if self.rtl and self.bidi_lang:
            langs["bidi"] = self.bidi_lang
        if langs:
            sub(rpr, "w:lang", **langs)


def add_run(parent: etree._Element, text: str, fmt: RunFormat | None = None,
            clean: Callable[[str], str] = xml_safe) -> etree._Element:
    """Append a ``w:r`` carrying ``text``: newlines become ``w:br``, tabs ``w:tab``."""
    r = etree.SubElement(parent, _R)
    if fmt is not None:
        fmt.apply(r)
    text = clean(text)
    if "\n" not in text and "\t" not in text and "\r" not in text:
        t = etree.SubElement(r, _T)
        t.text = text
        t.set(XML_SPACE, "preserve")
        return r
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            t = etree.SubElement(r, _T)
            t.text = "".join(chunk)
            t.set(XML_SPACE, "preserve")
            chunk.clear()

    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        if ch == "\n":
            flush()
            etree.SubElement(r, _BR)
        elif ch == "\t":
            flush()
            etree.SubElement(r, _TAB)
        else:
            chunk.append(ch)
    flush()
    return r


def add_break(parent: etree._Element, fmt: RunFormat | None = None) -> None:
    r = etree.SubElement(parent, _R)
    if fmt is not None:
        fmt.apply(r)
    etree.SubElement(r, _BR)


def add_hyperlink(p: etree._Element, r_id: str) -> etree._Element:
    """Append an external ``w:hyperlink`` (its runs go inside) pointing at relationship ``r_id``."""
    link = etree.SubElement(p, qn("w:hyperlink"))
    link.set(qn("r:id"), r_id)
    link.set(qn("w:history"), "1")
    return link


def add_field(p: etree._Element, instruction: str, result: str,
              fmt: RunFormat | None = None) -> None:
    """Append a complex field (``w:fldChar`` begin/separate/end) with a cached ``result``.

    A complex field rather than ``w:fldSimple``: its result runs are direct
    children of the paragraph, so readers that only look at ``w:r`` (python-docx's
    ``Paragraph.text``) still see the number.
    """
    for kind in ("begin", "instr", "separate", "result", "end"):
        r = etree.SubElement(p, _R)
        if fmt is not None:
            fmt.apply(r)
        if kind == "instr":
            instr = etree.SubElement(r, qn("w:instrText"))
            instr.text = f" {instruction} "
            instr.set(XML_SPACE, "preserve")
        elif kind == "result":
            t = etree.SubElement(r, _T)
            t.text = result
        else:
            fld = etree.SubElement(r, qn("w:fldChar"))
            fld.set(qn("w:fldCharType"), kind)


def set_picture_alt(inline: etree._Element, descr: str, title: str, name: str) -> None:
    """Alt text of an inline picture: ``wp:docPr/@descr`` and ``@title`` (and the same
    description on the picture's own ``pic:cNvPr``, which some readers use)."""
    doc_pr = inline.find(qn("wp:docPr"))
    if doc_pr is not None:
        doc_pr.set("name", xml_safe(name))
        doc_pr.set("descr", xml_safe(descr))
        if title:
            doc_pr.set("title", xml_safe(title))
    for c_nv_pr in inline.iter(qn("pic:cNvPr")):
        c_nv_pr.set("descr", xml_safe(descr))
