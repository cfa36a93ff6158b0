"""DOCX: a Word document an editor would accept.

The article is written into a copy of the reference document
(``reference.docx`` from the style folder, like pandoc's ``--reference-doc``)
using only named styles -- Title, Subtitle, Author, Heading 2-4, Quote,
Caption... (listed in ``exporter/writers/docx/styles.py``), so restyling the document
means editing styles, never hunting direct formatting. Every phrase comes from
``exporter/rendering/wording.py`` so the DOCX reads exactly like the HTML formats.
Links are real ``w:hyperlink`` elements, pictures carry their alt text in
``wp:docPr/@descr`` and are followed by a real Word caption (a ``SEQ Figure``
field), RTL articles get ``w:bidi``/``w:rtl`` and complex-script formatting.
The same input gives the same bytes.

python-docx is imported only when a document is written.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from exporter.dispatch import BLOCK_KINDS, INLINE_KINDS, RuleTable, unknown_kind
from exporter.errors import RenderError, ResourceError
from exporter.rendering import (
    FIGURE_SEQUENCE,
    attribution_text,
    authors_text,
    byline_text,
    correction_parts,
    date_line_text,
    figure_caption_parts,
    figure_label,
    keywords_text,
    labels,
    parts_text,
    rubric_text,
    safe_href,
    sorted_corrections,
)
from exporter.reproducible import build_time, write_zip
from exporter.resources import load_article_images
from exporter.writers import WriteOptions, Writer
from exporter.writers.docx import package as docx_package

if TYPE_CHECKING:
    from exporter.model import Article, Image, Inline
    from exporter.resources import ImageInfo

log = logging.getLogger("exporter")

#: formats Word and python-docx embed as they are; the rest become PNG
EMBEDDABLE = frozenset({"JPEG", "PNG"})
#: a picture may take at most this share of the text height (portrait photos)
MAX_HEIGHT_SHARE = 0.6
#: default regions for bare language tags (Word proofing wants a locale)
_REGIONS = {"en": "en-US", "ar": "ar-SA", "he": "he-IL", "fa": "fa-IR", "ur": "ur-PK",
            "fr": "fr-FR", "de": "de-DE", "es": "es-ES", "it": "it-IT", "pt": "pt-PT",
            "nl": "nl-NL", "ru": "ru-RU", "uk": "uk-UA", "pl": "pl-PL", "tr": "tr-TR",
            "sv": "sv-SE", "da": "da-DK", "nb": "nb-NO", "fi": "fi-FI", "el": "el-GR",
            "cs": "cs-CZ", "hu": "hu-HU", "ro": "ro-RO", "ja": "ja-JP", "zh": "zh-CN",
            "ko": "ko-KR"}
_SECTPR_ORDER = ("headerReference", "footerReference", "footnotePr", "endnotePr", "type",
                 "pgSz", "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols",
                 "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi",
                 "rtlGutter", "docGrid", "printerSettings", "sectPrChange")
_EMU_PER_TWIP = 635


def word_language(tag: str) -> str:
    """The locale Word expects for a BCP 47 tag: ``ar`` -> ``ar-SA``, ``en-GB`` unchanged."""
    return tag if "-" in tag else _REGIONS.get(tag.lower(), tag)


class DocxWriter(Writer):
    name = "docx"
    suffix = ".docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    description = "Word document with named styles (restyle with your own reference.docx)"
    requires = ("docx",)
    options = ()  # no -O settings: paper comes from the paper setting

    def __init__(self) -> None:
        #: reference document bytes by path, with the (mtime, size) they were read at
        self._references: dict[Path, tuple[tuple[int, int], bytes]] = {}

    def _reference(self, options: WriteOptions) -> tuple[Path, bytes]:
        path = options.style.find("reference.docx")
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._references.get(path)
        if cached is None or cached[0] != key:
            cached = (key, docx_package.stored(path.read_bytes()))
            self._references[path] = cached
        return path, cached[1]

    def write(self, articles: Sequence[Article], stream: BinaryIO, options: WriteOptions) -> None:
        (article,) = articles
        images = load_article_images(article, options.gate(article))
        from docx import Document

        path, data = self._reference(options)
        try:
            document = Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises several kinds for a bad package
            raise RenderError(f"the reference document {path} cannot be used: "
                              f"{exc or type(exc).__name__}", source=article.origin) from None
        _Builder(document, article, images, options).build()
        parts = docx_package.entries(document)
        when = build_time(article.published, article.updated)
        media = docx_package.compressed_media([name for name, _ in parts])
        stream.write(write_zip(parts, when, first=("[Content_Types].xml",), stored=media))


class _Builder:
    """Writes one article into one python-docx ``Document``."""

    def __init__(self, document: Any, article: Article, images: dict[str, ImageInfo],
                 options: WriteOptions) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.oxml.ns import qn

        from exporter.writers.docx import oxml as docx_xml
        from exporter.writers.docx.styles import (
            east_asian_font,
            ensure_styles,
            set_language,
            set_script_fonts,
        )

        self.doc, self.a, self.images, self.options = document, article, images, options
        self.qn, self.x, self.rt_link = qn, docx_xml, RELATIONSHIP_TYPE.HYPERLINK
        self.rtl = article.dir == "rtl"
        self.lang = word_language(article.language)
        self.words = labels(article.language)
        self.clean = docx_xml.Cleaner()
        self.ids = ensure_styles(document)
        set_language(document, self.lang, self.rtl)
        set_script_fonts(document, article.language, self.lang)
        self.base = docx_xml.RunFormat(rtl=self.rtl, bidi_lang=self.lang if self.rtl else None,
                                       east_asia=east_asian_font(article.language))
        self.part = document.part
        self.body = document.element.body
        self.figures = 0
        self._shape_id: int | None = None  # next wp:docPr id, see new_pic_inline
        self._embedded: _Embedded | None = None  # pictures already in the package, by sha1
        self._list_bases: dict[bool, str] = {}

    # -- the document -----------------------------------------------------------------

    def build(self) -> None:
        qn, a = self.qn, self.a
        self.box = self.text_box()
        sect_pr = self.body.find(qn("w:sectPr"))
        for child in list(self.body):
            self.body.remove(child)
        self.header()
        if a.lead_image is not None:
            self.figure(a.lead_image, "lead_image")
        if a.dateline:
            self.clean.field = "dateline"
            self.para("Dateline", a.dateline)
        for index, block in enumerate(a.body):
            self.block(block, index)
        self.footer()
        if sect_pr is not None:
            self.body.append(sect_pr)
            self.page(sect_pr)
        self.metadata()
        for field in self.clean.fields:
            log.warning("%s: %s: removed characters that XML cannot carry",
                        a.origin or "<article>", field or "(article)")

    def header(self) -> None:
        """Title, Subtitle, one Author paragraph per byline, Dates, then the rubric.

        pandoc's DOCX reader takes metadata only from the leading paragraphs in
        the styles named exactly ``Title``, ``Subtitle``, ``Author`` (one list
        entry per paragraph), ``Date``, ``Abstract`` (it ignores ``basedOn``),
        and stops at the first other paragraph: so the headline comes first
        and the rubric follows the header (issue 16: ``meta`` was empty).
        """
        a = self.a
        self.clean.field = "headline"
        self.para("Title", a.headline)
        if a.standfirst:
            self.clean.field = "standfirst"
            self.para("Subtitle", a.standfirst)
        for n, person in enumerate(a.bylines):
            self.clean.field = f"bylines[{n}]"
            self.para("Author", byline_text((person,)))
        dates = date_line_text(a.published, a.updated, a.language)
        if dates:
            self.para("Dates", dates)
        if a.section or a.kicker:
            self.clean.field = "section"
            self.para("Rubric", rubric_text(a.section, a.kicker))

    def block(self, block: Any, index: int) -> None:
        self.clean.field = f"body[{index}]"
        BLOCKS.rule_for(block, self.clean.field)(self, block, index)

    # one method per block kind: the rule table BLOCKS below the class

    def paragraph(self, block: Any, index: int) -> None:
        self.inline(self.para("Body Text"), block.content, self.base)

    def heading(self, block: Any, index: int) -> None:
        self.inline(self.para(f"Heading {block.level}"), block.content, self.base)

    def quote(self, block: Any, index: int) -> None:
        self.inline(self.para("Quote"), block.content, self.base)
        if block.attribution is not None:
            self.para("Quote Attribution", attribution_text(block.attribution))

    def figure_block(self, block: Any, index: int) -> None:
        self.figure(block.image, f"body[{index}].image")

    def list_block(self, block: Any, index: int) -> None:
        style = "List Number" if block.ordered else "List Bullet"
        num_id = self.list_number(block.ordered)
        for item in block.items:
            self.inline(self.para(style, num_id=num_id), item, self.base)

    def footer(self) -> None:
        a = self.a
        if a.corrections:
            self.clean.field = "corrections"
            self.para("Corrections Heading", self.words["corrections"])
            for correction in sorted_corrections(a.corrections):
                p = self.para("Correction")
                for part in correction_parts(correction, a.language):  # the date: a style
                    fmt = (self.base.but(style_id=self.ids["Correction Date"])
                           if part.when is not None else None)
                    self.run(p, parts_text((part,)), fmt)
        if a.rights:
            self.clean.field = "rights"
            self.para("Rights", a.rights)

    # -- paragraphs and inlines ---------------------------------------------------------

    def para(self, style: str, text: str | None = None, num_id: str | None = None) -> Any:
        sub = self.x.sub
        p = sub(self.body, "w:p")
        ppr = sub(p, "w:pPr")
        sub(ppr, "w:pStyle", self.ids[style])
        if num_id is not None:
            num = sub(ppr, "w:numPr")
            sub(num, "w:ilvl", "0")
            sub(num, "w:numId", num_id)
        if self.rtl:
            sub(ppr, "w:bidi")
        if text is not None:
            self.run(p, text)
        return p

    def run(self, parent: Any, text: str, fmt: Any = None) -> None:
        self.x.add_run(parent, text, fmt or self.base, self.clean)

    def inline(self, parent: Any, content: Inline, fmt: Any, in_link: bool = False) -> None:
        if isinstance(content, str):
            self.run(parent, content, fmt)
            return
        for node in content:
            if isinstance(node, str):
                self.run(parent, node, fmt)
            elif node.type == "break":
                self.x.add_break(parent, fmt)
            elif node.type == "em":
                self.inline(parent, node.content, fmt.but(italic=True), in_link)
            elif node.type == "strong":
                self.inline(parent, node.content, fmt.but(bold=True), in_link)
            elif node.type == "link":
                href = safe_href(node.href)
                if href is None or in_link:  # unsafe target, or a link inside a link: text
                    self.inline(parent, node.content, fmt, in_link)
                    continue
                r_id = self.part.relate_to(self.clean(href), self.rt_link, is_external=True)
                link = self.x.add_hyperlink(parent, r_id)
                self.inline(link, node.content, fmt.but(style_id=self.ids["Hyperlink"]), True)
            else:
                raise unknown_kind("docx inline", node, INLINE_KINDS, self.clean.field)

    def list_number(self, ordered: bool) -> str | None:
        """The numId for a new list: ordered lists restart at 1, bullets share one."""
        from exporter.writers.docx.styles import add_numbering, list_num_id

        numbering = self.doc.part.numbering_part.element
        base = self._list_bases.get(ordered)
        if base is None:
            style_id = self.ids["List Number" if ordered else "List Bullet"]
            base = list_num_id(self.doc, style_id) \
                or add_numbering(numbering, "decimal" if ordered else "bullet")
            self._list_bases[ordered] = base
        return add_numbering(numbering, "decimal", start_from=base) if ordered else base

    # -- pictures -------------------------------------------------------------------------

    def figure(self, image: Image, field: str) -> None:
        self.clean.field = field
        info = self.images[image.src]
        blob, width, height = self.picture(info, field)
        cx, cy = self.fit(width, height)
        try:
            inline = self.new_pic_inline(blob, cx, cy)
        except Exception:
            # python-docx misreads some files Pillow accepts (odd JPEG markers): use PNG
            refusal = self._refusal(field, f"is a {info.format} picture that cannot be embedded")
            blob = docx_package.to_png(blob, refusal)[0]
            try:
                inline = self.new_pic_inline(blob, cx, cy)
            except Exception:
                raise refusal from None
        self.figures += 1
        label = figure_label(self.figures, self.a.language)
        self.x.set_picture_alt(inline, image.alt, image.caption or image.alt, label)
        p = self.para("Picture")
        self.x.sub(self.x.sub(p, "w:r"), "w:drawing").append(inline)
        self.caption(image)

    def new_pic_inline(self, blob: bytes, cx: int, cy: int) -> Any:
        """python-docx's ``StoryPart.new_pic_inline``, numbering shapes with a counter.

        python-docx finds each picture's id by scanning every id attribute of the
        document (``xpath("//@id")``), and its part name, rId and duplicate by
        scanning every image part and relationship, once per picture: DOCX time
        grew with the square of the figure count (18 s for 2000 figures). The
        package is scanned once, at the first picture (see :class:`_Embedded`).
        """
        from docx.oxml.shape import CT_Inline

        if self._embedded is None:
            self._embedded = _Embedded(self.part)
        rid, image = self._embedded.add(blob)
        width, height = image.scaled_dimensions(cx, cy)
        if self._shape_id is None:
            self._shape_id = self.part.next_id
        shape_id = self._shape_id
        inline = CT_Inline.new_pic_inline(shape_id, rid, image.filename, width, height)
        self._shape_id += 1
        return inline

    def caption(self, image: Image) -> None:
        """``Figure N: caption (credit)`` from :func:`figure_caption_parts`: the number
        is a SEQ field for Word's table of figures, the credit in the Credit
        character style, neighbouring plain segments one run."""
        p = self.para("Caption")
        pending = ""
        for part in figure_caption_parts(self.figures, image, self.a.language):
            if part.role not in ("figure-number", "credit"):
                pending += parts_text((part,))
                continue
            if pending:
                self.run(p, pending)
                pending = ""
            if part.role == "figure-number":
                self.x.add_field(p, f"SEQ {FIGURE_SEQUENCE} \\* ARABIC", parts_text((part,)),
                                 self.base)
            else:
                self.run(p, parts_text((part,)), self.base.but(style_id=self.ids["Credit"]))
        if pending:
            self.run(p, pending)

    def picture(self, info: ImageInfo, field: str) -> tuple[bytes, int, int]:
        """Bytes Word can embed, and their pixel size."""
        if info.format in EMBEDDABLE:
            return info.resource.data, info.width, info.height
        if info.format == "SVG":
            return docx_package.svg_to_png(info.resource.data, self._refusal(
                field, "is an SVG picture, which Word documents cannot embed here; "
                "supply a PNG or JPEG version (or install cairosvg to convert it)"))
        return docx_package.to_png(info.resource.data, self._refusal(field, f"is a {info.format} picture "
                                                         "that could not be converted to PNG"))

    def _refusal(self, field: str, what: str) -> ResourceError:
        return ResourceError(f"{what}", source=self.a.origin or "<article>", field=f"{field}.src")

    def fit(self, width: int, height: int) -> tuple[int, int]:
        """EMU size: the text width, aspect ratio from pixels (DPI is not trusted),
        shrunk when a tall picture would take more than MAX_HEIGHT_SHARE of the page."""
        from docx.shared import Emu

        max_w, max_h = self.box
        width, height = max(width, 1), max(height, 1)
        cx: float = max_w
        cy: float = max_w * height / width
        if cy > max_h:
            cx, cy = max_h * width / height, max_h
        return Emu(int(cx)), Emu(int(cy))

    def text_box(self) -> tuple[int, int]:
        """Width and allowed picture height (EMU) of the reference's last section."""
        twip = _EMU_PER_TWIP
        page_w, page_h, margins = 11906 * twip, 16838 * twip, [1440 * twip] * 4
        if self.body.find(self.qn("w:sectPr")) is not None:
            section = self.doc.sections[-1]
            page_w = section.page_width or page_w
            page_h = section.page_height or page_h
            margins = [m if m is not None else d for m, d in zip(
                (section.left_margin, section.right_margin, section.top_margin,
                 section.bottom_margin), margins, strict=True)]
        if self.options.paper == "letter":
            page_w, page_h = 12240 * twip, 15840 * twip
        return (page_w - margins[0] - margins[1],
                int((page_h - margins[2] - margins[3]) * MAX_HEIGHT_SHARE))

    # -- page and metadata ------------------------------------------------------------------

    def page(self, sect_pr: Any) -> None:
        set_child = self.x.set_child
        if self.options.paper == "letter":
            set_child(sect_pr, "pgSz", _SECTPR_ORDER, w="12240", h="15840")
        if self.rtl:
            set_child(sect_pr, "bidi", _SECTPR_ORDER)

    def metadata(self) -> None:
        """Core properties from the article only: never the clock, never the reference's."""
        a = self.a
        core = self.doc.core_properties
        element = core._element
        for child in list(element):
            element.remove(child)
        values = {
            "title": a.headline,
            "creator": authors_text(a.bylines),
            "subject": a.standfirst,
            "keywords": keywords_text(a.tags),
            "category": a.section,
            "language": a.language,
            "identifier": a.url,
            "lastModifiedBy": "exporter",
        }
        for name, value in values.items():
            if value:  # set directly: python-docx refuses values over 255 characters
                getattr(element, f"get_or_add_{name}")().text = self.clean(value)
        core.revision = 1
        created = a.published or build_time(a.updated)
        modified = a.updated or created
        core.created = _utc(created)
        core.modified = _utc(max(modified, created))


#: how each kind of body block becomes Word paragraphs (a method of ``_Builder``)
BLOCKS = RuleTable("docx block", BLOCK_KINDS, {
    "paragraph": _Builder.paragraph, "heading": _Builder.heading, "quote": _Builder.quote,
    "figure": _Builder.figure_block, "list": _Builder.list_block,
})


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


class _Embedded:
    """The pictures of one document part: each distinct picture stored once, in O(1).

    Replaces python-docx's ``get_or_add_image``, which scans every image part
    (by SHA-1, then for a free part name) and every relationship (for a match,
    then for a free rId) on each call. The template's own parts are read once.
    """

    def __init__(self, part: Any) -> None:
        self.part = part
        self.image_parts = part.package.image_parts
        self.by_sha1: dict[str, Any] = {p.sha1: p for p in self.image_parts}
        self.rids: dict[str, str] = {}
        self.next_image = max((p.partname.idx or 0 for p in self.image_parts), default=0) + 1
        self.next_rid = max((int(r[3:]) for r in part.rels if r[3:].isdigit()), default=0) + 1

    def add(self, blob: bytes) -> tuple[str, Any]:
        """(rId, python-docx Image) of ``blob``, adding the part on first sight."""
        from docx.image.image import Image as DocxImage
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.parts.image import ImagePart

        image = DocxImage.from_blob(blob)
        known = self.rids.get(image.sha1)
        if known is not None:
            return known, self.by_sha1[image.sha1].image
        part = self.by_sha1.get(image.sha1)
        if part is not None:  # a picture the template already holds: one scan, once
            rid = self.part.relate_to(part, RT.IMAGE)
        else:
            part = ImagePart.from_image(image, PackURI(
                f"/word/media/image{self.next_image}.{image.ext}"))
            self.next_image += 1
            self.image_parts.append(part)
            self.by_sha1[image.sha1] = part
            while f"rId{self.next_rid}" in self.part.rels:
                self.next_rid += 1
            rid = f"rId{self.next_rid}"
            self.part.rels.add_relationship(RT.IMAGE, part, rid)
        self.rids[image.sha1] = rid
        return rid, part.image
