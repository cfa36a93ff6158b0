"""The DOCX house style as data: the named Word styles the writer uses.

One table, :data:`STYLES`, serves twice: ``scripts/make_reference_docx.py``
builds ``styles/reference.docx`` from it, and the writer creates any style a
user's own reference document lacks from the same entries -- so a reference
that only restyles ``Title`` still gives a complete document. An editor
restyles the output by changing these named styles, never direct formatting.
Imports python-docx: import lazily.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn
from docx.styles import BabelFish
from lxml import etree

from exporter.writers.docx.oxml import PPR_ORDER, RPR_ORDER, W_VAL, get_rpr, place, set_child, sub

SERIF, SANS, ARABIC = "Noto Serif", "Noto Sans", "Amiri"
INK, MUTED, ACCENT, RULE = "161616", "5A5A5A", "B3121A", "D6D6D6"


@dataclass(frozen=True)
class StyleSpec:
    """One named style. Sizes and spacing in points; ``line`` is a multiple of single."""

    name: str
    kind: str = "paragraph"  # or "character"
    based_on: str | None = "Normal"
    next: str | None = None
    font: str | None = None
    size: float | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False
    color: str | None = None
    before: float | None = None
    after: float | None = None
    line: float | None = None
    keep_next: bool = False
    align: str | None = None
    indent: float | None = None
    border: str | None = None  # "left" or "top": a rule in the accent/ink colour
    outline: int | None = None  # outline level (0 = level 1) for the navigation pane
    numbering: str | None = None  # "decimal" or "bullet": the list style's own numbering
    priority: int = 20


STYLES: tuple[StyleSpec, ...] = (
    StyleSpec("Normal", based_on=None, font=SERIF, size=10.5, line=1.3, after=0, color=INK,
              priority=0),
    StyleSpec("Body Text", size=10.5, after=7, align="both", priority=1),
    # Title, Subtitle (the standfirst) and Author (one paragraph per byline) are the
    # names pandoc's DOCX reader maps to metadata (and Word's own templates use)
    StyleSpec("Title", next="Subtitle", font=SERIF, size=26, bold=True, line=1.05, after=10,
              keep_next=True, priority=10),
    StyleSpec("Subtitle", next="Author", font=SERIF, size=14, color="3A3A3A", line=1.25,
              after=10, keep_next=True, priority=11),
    StyleSpec("Author", next="Dates", font=SANS, size=9, bold=True, after=2, keep_next=True,
              priority=11),
    StyleSpec("Dates", next="Rubric", font=SANS, size=8.5, color=MUTED, after=6,
              keep_next=True, priority=11),
    StyleSpec("Rubric", next="Body Text", font=SANS, size=8.5, bold=True, color=ACCENT,
              after=14, keep_next=True, priority=11),
    StyleSpec("Dateline", based_on="Body Text", next="Body Text", bold=True, after=2,
              keep_next=True, priority=12),
    StyleSpec("Heading 2", next="Body Text", font=SANS, size=14, bold=True, before=16, after=5,
              line=1.1, keep_next=True, outline=1, priority=9),
    StyleSpec("Heading 3", next="Body Text", font=SANS, size=12, bold=True, before=12, after=4,
              line=1.1, keep_next=True, outline=2, priority=9),
    StyleSpec("Heading 4", next="Body Text", font=SANS, size=10.5, bold=True, italic=True,
              before=10, after=3, keep_next=True, outline=3, priority=9),
    StyleSpec("Quote", next="Quote Attribution", font=SERIF, size=12.5, italic=True, before=10,
              after=3, indent=14, border="left", keep_next=True, priority=29),
    StyleSpec("Quote Attribution", next="Body Text", font=SANS, size=9, color=MUTED, after=12,
              indent=14, priority=30),
    StyleSpec("Picture", next="Caption", before=8, after=3, line=1.0, align="center",
              keep_next=True, priority=34),
    StyleSpec("Caption", next="Body Text", font=SANS, size=8.5, color="333333", line=1.2,
              after=12, priority=35),
    StyleSpec("Credit", kind="character", based_on=None, color=MUTED, priority=36),
    StyleSpec("List Number", based_on="Body Text", after=3, numbering="decimal", priority=36),
    StyleSpec("List Bullet", based_on="Body Text", after=3, numbering="bullet", priority=36),
    StyleSpec("Corrections Heading", next="Correction", font=SANS, size=9.5, bold=True,
              before=20, after=4, border="top", keep_next=True, outline=1, priority=40),
    StyleSpec("Correction", size=9.5, after=4, priority=40),
    StyleSpec("Correction Date", kind="character", based_on=None, bold=True, priority=40),
    StyleSpec("Rights", font=SANS, size=8, color=MUTED, before=18, priority=41),
    StyleSpec("Hyperlink", kind="character", based_on=None, color=ACCENT, underline=True,
              priority=99),
    StyleSpec("Footer", font=SANS, size=8, color=MUTED, align="center", priority=99),
)

BUILT_IN = {"Normal", "Body Text", "Title", "Subtitle", "Heading 2", "Heading 3", "Heading 4", "Quote",
            "Caption", "List Number", "List Bullet", "Hyperlink", "Footer"}


def style_ids(styles: etree._Element) -> dict[tuple[str, str], str]:
    """``(type, lower-case UI name) -> styleId`` for every style in ``styles.xml``."""
    found: dict[tuple[str, str], str] = {}
    for style in styles.iterfind(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is None:
            continue
        ui = BabelFish.internal2ui(name.get(W_VAL, "")).lower()
        found.setdefault((style.get(qn("w:type"), "paragraph"), ui), style.get(qn("w:styleId")))
    return found


def _unique_id(name: str, taken: set[str]) -> str:
    base = "".join(ch for ch in name if ch.isalnum()) or "Style"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    return candidate


def _twips(points: float) -> str:
    return str(round(points * 20))


def build_style(spec: StyleSpec, style_id: str, ids: dict[tuple[str, str], str],
                num_id: str | None = None) -> etree._Element:
    """A fresh ``w:style`` element for ``spec`` (bases and next resolved through ``ids``)."""
    style = etree.Element(qn("w:style"))
    style.set(qn("w:type"), spec.kind)
    style.set(qn("w:styleId"), style_id)
    if spec.name == "Normal":
        style.set(qn("w:default"), "1")
    if spec.name not in BUILT_IN:
        style.set(qn("w:customStyle"), "1")
    sub(style, "w:name", BabelFish.ui2internal(spec.name))
    if spec.based_on and (spec.kind, spec.based_on.lower()) in ids:
        sub(style, "w:basedOn", ids[(spec.kind, spec.based_on.lower())])
    if spec.next and (spec.kind, spec.next.lower()) in ids:
        sub(style, "w:next", ids[(spec.kind, spec.next.lower())])
    sub(style, "w:uiPriority", str(spec.priority))
    sub(style, "w:qFormat")
    if spec.kind == "paragraph":
        ppr = sub(style, "w:pPr")
        if spec.keep_next:
            set_child(ppr, "keepNext", PPR_ORDER)
        if num_id:
            set_child(set_child(ppr, "numPr", PPR_ORDER), "numId", ("numId",), num_id)
        if spec.border:
            bdr = set_child(ppr, "pBdr", PPR_ORDER)
            colour, size = (ACCENT, "18") if spec.border == "left" else (INK, "12")
            sub(bdr, f"w:{spec.border}", "single", sz=size, space="8" if spec.border == "left"
                else "6", color=colour)
        if spec.before is not None or spec.after is not None or spec.line is not None:
            spacing = set_child(ppr, "spacing", PPR_ORDER)
            if spec.before is not None:
                spacing.set(qn("w:before"), _twips(spec.before))
            if spec.after is not None:
                spacing.set(qn("w:after"), _twips(spec.after))
            if spec.line is not None:
                spacing.set(qn("w:line"), str(round(spec.line * 240)))
                spacing.set(qn("w:lineRule"), "auto")
        if spec.indent is not None:
            set_child(ppr, "ind", PPR_ORDER, left=_twips(spec.indent), right="0")
        if spec.align:
            set_child(ppr, "jc", PPR_ORDER, spec.align)
        if spec.outline is not None:
            set_child(ppr, "outlineLvl", PPR_ORDER, str(spec.outline))
    rpr = sub(style, "w:rPr")
    if spec.font:
        sub(rpr, "w:rFonts", ascii=spec.font, hAnsi=spec.font)
    for flag, tags in ((spec.bold, ("b", "bCs")), (spec.italic, ("i", "iCs"))):
        for tag in tags if flag else ():
            sub(rpr, f"w:{tag}")
    if spec.color:
        sub(rpr, "w:color", spec.color)
    if spec.size:
        sub(rpr, "w:sz", str(round(spec.size * 2)))
        sub(rpr, "w:szCs", str(round(spec.size * 2)))
    if spec.underline:
        sub(rpr, "w:u", "single")
    return style


def add_numbering(numbering: etree._Element, kind: str, start_from: str | None = None) -> str:
    """Add a list definition to ``numbering.xml``; return the new ``numId``.

    ``kind`` is ``"decimal"`` or ``"bullet"`` for a new one-level definition; with
    ``start_from`` (an existing numId) the new number reuses its definition and
    restarts at 1, so each ordered list in an article counts from 1.
    """
    nums = numbering.findall(qn("w:num"))
    num_id = str(max((int(n.get(qn("w:numId"), "0")) for n in nums), default=0) + 1)
    if start_from is not None:
        base = next((n for n in nums if n.get(qn("w:numId")) == start_from), None)
        abstract_id = base.find(qn("w:abstractNumId")).get(W_VAL) if base is not None else None
    else:
        abstracts = numbering.findall(qn("w:abstractNum"))
        abstract_id = str(max((int(a.get(qn("w:abstractNumId"), "0")) for a in abstracts),
                              default=-1) + 1)
        abstract = etree.Element(qn("w:abstractNum"))
        abstract.set(qn("w:abstractNumId"), abstract_id)
        sub(abstract, "w:multiLevelType", "singleLevel")
        lvl = sub(abstract, "w:lvl", ilvl="0")
        sub(lvl, "w:start", "1")
        sub(lvl, "w:numFmt", kind)
        sub(lvl, "w:lvlText", "%1." if kind == "decimal" else "\u2022")
        sub(lvl, "w:lvlJc", "left")
        sub(sub(lvl, "w:pPr"), "w:ind", left="397", hanging="397")
        if nums:
            nums[0].addprevious(abstract)
        else:
            numbering.append(abstract)
    if abstract_id is None:
        return start_from or num_id
    num = sub(numbering, "w:num", numId=num_id)
    sub(num, "w:abstractNumId", abstract_id)
    if start_from is not None:
        override = sub(num, "w:lvlOverride", ilvl="0")
        sub(override, "w:startOverride", "1")
    return num_id


def ensure_styles(document, replace: bool = False) -> dict[str, str]:
    """Make every style of :data:`STYLES` exist in ``document``; return ``name -> styleId``.

    With ``replace`` (the reference script) existing styles are rebuilt from the
    table; without it (the writer) only missing ones are created, so a user's
    reference keeps its look.
    """
    styles = document.styles.element
    ids = style_ids(styles)
    taken = {s.get(qn("w:styleId")) for s in styles.iterfind(qn("w:style"))}
    for spec in STYLES:
        key = (spec.kind, spec.name.lower())
        old = None
        if key in ids:
            if not replace:
                continue
            old = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{ids[key]}']")
        style_id = ids.get(key) or _unique_id(spec.name, taken)
        taken.add(style_id)
        ids[key] = style_id
        num_id = add_numbering(document.part.numbering_part.element, spec.numbering) \
            if spec.numbering else None
        new = build_style(spec, style_id, ids, num_id)
        if old is not None:
            old.addprevious(new)
            styles.remove(old)
        else:
            styles.append(new)
    return {spec.name: ids[(spec.kind, spec.name.lower())] for spec in STYLES}


def list_num_id(document, style_id: str) -> str | None:
    """The numId a list paragraph style numbers with, adding one if the style has none."""
    style = document.styles.element.find(
        f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
    num = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}") if style is not None \
        else None
    return num.get(W_VAL) if num is not None else None


def set_language(document, language: str, rtl: bool, cs_font: str = ARABIC) -> None:
    """The document's default language (and complex-script language and font for RTL)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = etree.Element(qn("w:docDefaults"))
        styles.insert(0, defaults)
    rpr_default = set_child(defaults, "rPrDefault", ("rPrDefault", "pPrDefault"))
    rpr = get_rpr(rpr_default)
    lang = set_child(rpr, "lang", RPR_ORDER, language)
    if rtl:
        lang.set(qn("w:bidi"), language)
        fonts = set_child(rpr, "rFonts", RPR_ORDER)
        if fonts.get(qn("w:cs")) is None or fonts.get(qn("w:cstheme")) is not None:
            fonts.attrib.pop(qn("w:cstheme"), None)
            fonts.set(qn("w:cs"), cs_font)
        ppr_default = set_child(defaults, "pPrDefault", ("rPrDefault", "pPrDefault"))
        set_child(set_child(ppr_default, "pPr", ("pPr",)), "bidi", PPR_ORDER)
        complete_complex_script(styles)
        mirror_rules(styles)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(W_VAL, language)
        if rtl:
            theme_lang.set(qn("w:bidi"), language)


def complete_complex_script(styles: etree._Element) -> None:
    """Give every style's bold, italic and size their complex-script twins.

    Word sizes and weights Arabic and Hebrew from ``w:szCs``/``w:bCs``/``w:iCs``
    only; a reference document made for Latin text often lacks them.
    """
    for rpr in styles.iter(qn("w:rPr")):
        for tag, twin in (("b", "bCs"), ("i", "iCs"), ("sz", "szCs")):
            el = rpr.find(qn(f"w:{tag}"))
            if el is not None and rpr.find(qn(f"w:{twin}")) is None:
                new = etree.Element(qn(f"w:{twin}"))
                if el.get(W_VAL) is not None:
                    new.set(W_VAL, el.get(W_VAL))
                el.addnext(new)


_PBDR_ORDER = ("top", "left", "bottom", "right", "between", "bar")


def mirror_rules(styles: etree._Element) -> None:
    """Move one-sided paragraph rules (the Quote rule) to the right for RTL text.

    Indents in ``w:ind`` already follow the paragraph direction in Word and
    LibreOffice, but ``w:pBdr`` sides are physical: a left rule would stand on
    the far side of right-aligned Arabic text.
    """
    for bdr in styles.iter(qn("w:pBdr")):
        left, right = bdr.find(qn("w:left")), bdr.find(qn("w:right"))
        if (left is None) == (right is None):
            continue
        edge = left if left is not None else right
        bdr.remove(edge)
        edge.tag = qn("w:right") if left is not None else qn("w:left")
        place(bdr, edge, _PBDR_ORDER)


# --- fonts per script -------------------------------------------------------------------

#: East Asian faces and Word locales by language (Word draws ideographs, kana and
#: Hangul with the ``w:eastAsia`` font, and shapes them by ``w:lang w:eastAsia``)
_EAST_ASIAN = {
    "zh": ("Noto Serif CJK SC", "zh-CN"), "zh-hans": ("Noto Serif CJK SC", "zh-CN"),
    "zh-cn": ("Noto Serif CJK SC", "zh-CN"), "zh-sg": ("Noto Serif CJK SC", "zh-SG"),
    "zh-hant": ("Noto Serif CJK TC", "zh-TW"), "zh-tw": ("Noto Serif CJK TC", "zh-TW"),
    "zh-hk": ("Noto Serif CJK HK", "zh-HK"), "zh-mo": ("Noto Serif CJK TC", "zh-MO"),
    "ja": ("Noto Serif CJK JP", "ja-JP"), "ko": ("Noto Serif CJK KR", "ko-KR"),
}
#: complex-script faces (Word draws Arabic, Hebrew, Devanagari, Thai with ``w:cs``)
_COMPLEX = {
    "ar": ARABIC, "fa": "Noto Naskh Arabic", "ur": "Noto Naskh Arabic", "ps": "Noto Naskh Arabic",
    "he": "Noto Serif Hebrew", "yi": "Noto Serif Hebrew", "hi": "Noto Serif Devanagari",
    "mr": "Noto Serif Devanagari", "ne": "Noto Serif Devanagari", "th": "Noto Serif Thai",
}

#: Word locales of the LTR complex-script languages (Word's ``w:lang w:bidi``)
_CS_LOCALES = {"hi": "hi-IN", "mr": "mr-IN", "ne": "ne-NP", "th": "th-TH"}


def east_asian_font(language: str) -> tuple[str, str] | None:
    """(font, Word locale) for a CJK language tag, ``None`` for other scripts.

    The longest matching prefix of subtags wins, so ``zh-Hant-TW`` finds
    ``zh-hant`` (the TC face) before ``zh`` (the SC face)."""
    parts = language.lower().replace("_", "-").split("-")
    for n in range(len(parts), 0, -1):
        found = _EAST_ASIAN.get("-".join(parts[:n]))
        if found:
            return found
    return None


def complex_script_font(language: str) -> str | None:
    """The ``w:cs`` face for a complex-script language, ``None`` for the others."""
    return _COMPLEX.get(language.lower().split("-")[0])


def set_script_fonts(document, language: str, word_lang: str) -> None:
    """Name the article's script faces in the document defaults.

    A reference document usually says ``w:eastAsiaTheme="minorEastAsia"`` (a
    font for Word's UI language); the theme attribute is dropped so the named
    face applies. For LTR complex scripts (Devanagari, Thai) the complex-script
    language is set too: Word shapes those by ``w:lang w:bidi``.
    """
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return  # set_language creates them; called after it
    rpr = get_rpr(set_child(defaults, "rPrDefault", ("rPrDefault", "pPrDefault")))
    east = east_asian_font(language)
    cs = complex_script_font(language)
    if east is None and cs is None:
        return
    fonts = set_child(rpr, "rFonts", RPR_ORDER)
    lang = set_child(rpr, "lang", RPR_ORDER)
    if east is not None:
        fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
        fonts.set(qn("w:eastAsia"), east[0])
        lang.set(qn("w:eastAsia"), east[1])
    if cs is not None:
        # the house reference names Amiri (Arabic only); a user's own face is kept
        if fonts.get(qn("w:cs")) in (None, ARABIC) or fonts.get(qn("w:cstheme")) is not None:
            fonts.attrib.pop(qn("w:cstheme"), None)
            fonts.set(qn("w:cs"), cs)
        primary = language.lower().split("-")[0]
        lang.set(qn("w:bidi"), word_lang if "-" in word_lang else _CS_LOCALES.get(primary, word_lang))
