#!/usr/bin/env python
"""Generate styles/reference.docx, the DOCX house style, from exporter/writers/docx/styles.py.

    python scripts/make_reference_docx.py [OUT]      # default: styles/reference.docx

The reference document is like pandoc's --reference-doc: the writer opens it,
drops its body and writes the article with its named styles, page set-up and
footer. Never hand-edit the binary: change ``exporter/writers/docx/styles.STYLES`` (or
this script) and run it again. The output is byte-for-byte reproducible
(fixed ZIP times from SOURCE_DATE_EPOCH, or 1980-01-01 without it).

A user restyles by copying the generated file, editing its styles in Word or
LibreOffice, and passing the folder holding it with ``--style DIR``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Emu
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exporter.reproducible import build_time, normalise_zip  # noqa: E402
from exporter.writers.docx.oxml import PPR_ORDER, RPR_ORDER, add_field, get_rpr, set_child, sub  # noqa: E402
from exporter.writers.docx.styles import (  # noqa: E402
    ARABIC,
    SANS,
    SERIF,
    StyleSpec,
    build_style,
    ensure_styles,
    style_ids,
)

#: styles kept from python-docx's template besides the ones in STYLES
KEEP = {"normal", "default paragraph font", "normal table", "no list", "table grid",
        "heading 1", "list paragraph", "header", "toc heading"}

#: A4, 2.5 cm top and bottom, 2.7 cm sides (twips)
PAGE = {"w": 11906, "h": 16838, "top": 1418, "bottom": 1418, "left": 1531, "right": 1531,
        "header": 709, "footer": 709}

APP_XML = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           b'extended-properties"><Template>reference.docx</Template>'
           b"<Application>exporter</Application><DocSecurity>0</DocSecurity>"
           b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
           b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
           b"</Properties>")

#: fonts named in styles, with what Word may substitute when they are not installed
FONTS = ((SERIF, "Georgia", "00", "roman"), (SANS, "Arial", "00", "swiss"),
         (ARABIC, "Traditional Arabic", "B2", "roman"))


def drop_rels(part, reltypes: set[str]) -> None:
    for r_id in [r for r, rel in part.rels.items() if rel.reltype in reltypes]:
        del part.rels[r_id]
        part.rels._target_parts_by_rId.pop(r_id, None)


def prune_styles(doc) -> None:
    styles = doc.styles.element
    keep_ids = set()
    names = {(t, n): i for (t, n), i in style_ids(styles).items()}
    for (_kind, name), style_id in names.items():
        if name in KEEP:
            keep_ids.add(style_id)
    for style in list(styles.iterfind(qn("w:style"))):
        if style.get(qn("w:styleId")) not in keep_ids:
            styles.remove(style)
            continue
        for tag in ("w:link", "w:rsid"):
            for el in style.findall(qn(tag)):
                style.remove(el)
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)


def set_defaults(doc) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = get_rpr(defaults.find(qn("w:rPrDefault")))
    fonts = set_child(rpr, "rFonts", RPR_ORDER)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), SERIF)
    fonts.set(qn("w:hAnsi"), SERIF)
    fonts.set(qn("w:eastAsiaTheme"), "minorEastAsia")
    fonts.set(qn("w:cs"), ARABIC)
    set_child(rpr, "sz", RPR_ORDER, "21")
    set_child(rpr, "szCs", RPR_ORDER, "21")
    set_child(rpr, "lang", RPR_ORDER, "en-US", eastAsia="en-US", bidi="ar-SA")
    ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    set_child(ppr, "spacing", PPR_ORDER, after="0", line="240", lineRule="auto")


def restyle_heading_1(doc) -> None:
    styles = doc.styles.element
    ids = style_ids(styles)
    old = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{ids[('paragraph', 'heading 1')]}']")
    spec = StyleSpec("Heading 1", next="Body Text", font=SANS, size=18, bold=True, before=18,
                     after=6, line=1.1, keep_next=True, outline=0, priority=9)
    new = build_style(spec, old.get(qn("w:styleId")), ids)
    old.addprevious(new)
    styles.remove(old)


def set_page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Emu(PAGE["w"] * 635), Emu(PAGE["h"] * 635)
    for side in ("top", "bottom", "left", "right", "header", "footer"):
        setattr(section, f"{side}_margin" if side in ("top", "bottom", "left", "right")
                else f"{side}_distance", Emu(PAGE[side] * 635))
    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]._p
    ppr = set_child(p, "pPr", ("pPr",))
    set_child(ppr, "pStyle", PPR_ORDER, style_ids(doc.styles.element)[("paragraph", "footer")])
    add_field(p, "PAGE", "1")
    sectpr = doc.element.body.sectPr
    for attr in list(sectpr.attrib):
        del sectpr.attrib[attr]


def tidy_settings(doc) -> None:
    settings = doc.settings.element
    for tag in ("w:rsids", "w:savePreviewPicture", "w:proofState", "w14:docId"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    tab = settings.find(qn("w:defaultTabStop"))
    hyphenate = etree.Element(qn("w:autoHyphenation"))
    tab.addnext(hyphenate)


def font_table(doc) -> None:
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    for name, alt, charset, family in FONTS:
        font = sub(root, "w:font", name=name)
        sub(font, "w:altName", alt)
        sub(font, "w:charset", charset)
        sub(font, "w:family", family)
        sub(font, "w:pitch", "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def core_properties(doc, when) -> None:
    cp = doc.core_properties
    for child in list(cp._element):
        cp._element.remove(child)
    cp.title = "exporter reference document"
    cp.last_modified_by = "exporter"
    cp.revision = 1
    cp.created = cp.modified = when.replace(tzinfo=None)


def build() -> bytes:
    doc = Document()
    drop_rels(doc.part.package, {RT.THUMBNAIL})
    drop_rels(doc.part, {RT.CUSTOM_XML, "http://schemas.microsoft.com/office/2007/relationships/"
                                        "stylesWithEffects"})
    app = doc.part.package.part_related_by(RT.EXTENDED_PROPERTIES)
    app._blob = APP_XML
    prune_styles(doc)
    set_defaults(doc)
    ensure_styles(doc, replace=True)
    restyle_heading_1(doc)
    set_page(doc)
    tidy_settings(doc)
    font_table(doc)
    when = build_time()
    core_properties(doc, when)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    raw = io.BytesIO()
    doc.save(raw)
    return normalise_zip(raw.getvalue(), when, first=("[Content_Types].xml",))


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "styles" / "reference.docx"
    data = build()
    out.write_bytes(data)
    print(f"wrote {out} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
