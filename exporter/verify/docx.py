"""Read a DOCX back: python-docx for paragraphs, styles and core properties,
the raw ``word/document.xml`` (zipfile + lxml) for pictures and captions.

Nothing of the DOCX writer is used. Paragraph text is what python-docx
reports (runs, hyperlinks, breaks as line breaks, field results); style
names are resolved through ``styles.xml`` (``basedOn`` followed for the
right-to-left checks). In the raw XML every picture's ``wp:docPr/@descr``
is its alt text, and the paragraph after the picture's paragraph must be a
Caption-style paragraph holding a ``SEQ Figure`` field and the
``caption (credit)`` line.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from exporter.rendering import byline_text
from exporter.verify import expected as E
from exporter.verify.checkers import CheckOptions
from exporter.verify.compare import norm, quoted, shown_as
from exporter.verify.lines import (
    check_correction_order,
    check_correction_units,
    check_date_line,
    unit_finder,
)
from exporter.verify.result import Cell, Check, failed_all, run_fields

if TYPE_CHECKING:
    from exporter.model import Article

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W, "wp": WP, "a": A, "r": R}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


class Para:
    """One body paragraph as read back."""

    def __init__(self, element: Any, text: str, style: str) -> None:
        self.element = element
        self.text = text
        self.norm = norm(text)
        self.style = style

    @property
    def pictures(self) -> list[Any]:
        return self.element.findall(".//wp:docPr", NS)

    @property
    def has_seq_figure(self) -> bool:
        instr = [t.text or "" for t in self.element.iter(_w("instrText"))]
        instr += [f.get(_w("instr"), "") for f in self.element.iter(_w("fldSimple"))]
        return any(" ".join(i.split()).upper().startswith("SEQ FIGURE") for i in instr)


class Document:
    def __init__(self, path: Path) -> None:
        import docx

        self.doc = docx.Document(str(path))
        with zipfile.ZipFile(path) as z:
            self.names = set(z.namelist())
            self.xml = etree.fromstring(z.read("word/document.xml"), _PARSER)
            self.styles_xml = (etree.fromstring(z.read("word/styles.xml"), _PARSER)
                               if "word/styles.xml" in self.names else None)
            rels_name = "word/_rels/document.xml.rels"
            self.rels = (etree.fromstring(z.read(rels_name), _PARSER)
                         if rels_name in self.names else None)
        self.style_names: dict[str, str] = {}
        self.style_based: dict[str, str] = {}
        self.style_bidi: dict[str, bool | None] = {}
        if self.styles_xml is not None:
            for st in self.styles_xml.iter(_w("style")):
                sid = st.get(_w("styleId"), "")
                name_el = st.find("w:name", NS)
                self.style_names[sid] = name_el.get(_w("val"), sid) if name_el is not None else sid
                based = st.find("w:basedOn", NS)
                if based is not None:
                    self.style_based[sid] = based.get(_w("val"), "")
                bidi = st.find("w:pPr/w:bidi", NS)
                self.style_bidi[sid] = None if bidi is None else _on(bidi)
        # python-docx reads the text (runs, hyperlinks, breaks) and style names; the raw
        # XML, parsed separately, the structure (pictures, fields, paragraph properties).
        from docx.text.paragraph import Paragraph

        body = self.xml.find("w:body", NS)
        raw = list(body.iter(_w("p"))) if body is not None else []
        ours = list(self.doc.element.body.iter(_w("p")))
        if len(raw) != len(ours):
            raise ValueError("python-docx and the raw XML disagree on the paragraphs")
        self.paras: list[Para] = []
        for p, q in zip(raw, ours, strict=True):
            para = Paragraph(q, self.doc.part)
            try:
                style = para.style.name if para.style is not None else ""
            except (KeyError, ValueError):
                sid = _style_id(p)
                style = self.style_names.get(sid, sid)
            self.paras.append(Para(p, para.text, style or ""))
        self.core = self.doc.core_properties

    def style_is(self, para: Para, *names: str) -> bool:
        return para.style.lower() in {n.lower() for n in names}

    def with_style(self, *names: str) -> list[Para]:
        return [p for p in self.paras if self.style_is(p, *names)]

    def bidi(self, para: Para) -> bool:
        """Whether the paragraph is right-to-left (directly or through its style chain)."""
        direct = para.element.find("w:pPr/w:bidi", NS)
        if direct is not None:
            return _on(direct)
        sid = _style_id(para.element) or self._default_style()
        seen: set[str] = set()
        while sid and sid not in seen:
            seen.add(sid)
            value = self.style_bidi.get(sid)
            if value is not None:
                return value
            sid = self.style_based.get(sid, "")
        if self.styles_xml is not None:
            default = self.styles_xml.find("w:docDefaults/w:pPrDefault/w:pPr/w:bidi", NS)
            if default is not None:
                return _on(default)
        return False

    def _default_style(self) -> str:
        if self.styles_xml is None:
            return ""
        for st in self.styles_xml.iter(_w("style")):
            if st.get(_w("type")) == "paragraph" and _on_attr(st.get(_w("default"))):
                return st.get(_w("styleId"), "")
        return ""

    def lang_values(self) -> list[tuple[str, str]]:
        """Every ``w:lang`` (val, bidi) in styles and document."""
        out = []
        for root in (self.styles_xml, self.xml):
            if root is None:
                continue
            for el in root.iter(_w("lang")):
                out.append((el.get(_w("val"), ""), el.get(_w("bidi"), "")))
        return out

    def image_targets(self) -> list[str]:
        targets: list[str] = []
        if self.rels is None:
            return targets
        by_id = {r.get("Id"): r for r in self.rels}
        for blip in self.xml.iter(f"{{{A}}}blip"):
            rid = blip.get(f"{{{R}}}embed")
            rel = by_id.get(rid)
            if rel is None:
                targets.append(f"missing relationship {rid}")
            elif rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else f"word/{target}"
                if path not in self.names:
                    targets.append(f"missing part {path}")
        return targets


def _style_id(p: Any) -> str:
    el = p.find("w:pPr/w:pStyle", NS)
    return el.get(_w("val"), "") if el is not None else ""


def _on_attr(value: str | None) -> bool:
    return value is None or value.lower() in ("1", "true", "on")


def _on(el: Any) -> bool:
    return _on_attr(el.get(_w("val")))


def _style_of(para: Para | None) -> str:
    return para.style.lower() if para is not None else ""


def _find_seq(paras: list[Para | None], text: str, start: int = 0,
              style: Callable[[str], bool] | None = None) -> int | None:
    """The first paragraph from ``start`` with ``text``; one whose style fits ``style``
    first (a quote repeating a list item's words is the Quote paragraph)."""
    want = norm(text)
    found = [i for i, p in enumerate(paras) if i >= start and p is not None and p.norm == want]
    if style is not None:
        fitting = [i for i in found if style(_style_of(paras[i]))]
        if fitting:
            return fitting[0]
    return found[0] if found else None


def _style_for(kind: str, level: int = 0) -> Callable[[str], bool]:
    if kind == "quote":
        return lambda s: "quote" in s and "attribution" not in s
    if kind == "heading":
        return lambda s: s == f"heading {level}"
    if kind == "item":
        return lambda s: s.startswith("list")
    return lambda s: "quote" not in s and not s.startswith(("heading", "list"))


def check(article: Article, path: Path) -> list[Check]:
    na = E.not_applicable(article)
    if not path.is_file():
        return failed_all("docx", "missing file", na)
    try:
        doc = Document(path)
    except Exception as exc:
        return failed_all("docx", f"unreadable: {type(exc).__name__}: {exc}", na)
    paras = doc.paras
    pictures = [(i, pic) for i, p in enumerate(paras) for pic in p.pictures]
    # the body starts after the header paragraphs (so a body heading that repeats the
    # headline is not taken for the Title); captions are never body text
    header = [next((i for i, p in enumerate(paras) if doc.style_is(p, name)), -1)
              for name in ("Title", "Subtitle", "Author", "Rubric")]
    body_start = max(header) + 1
    body_paras = [p if not doc.style_is(p, "Caption") else None for p in paras]

    def headline(cell: Cell) -> None:
        titles = doc.with_style("Title")
        if not titles:
            cell.fail("no Title paragraph")
        else:
            cell.expect(titles[0].norm == norm(article.headline),
                        f"Title paragraph is {shown_as(titles[0].text, article.headline)}")
        core = doc.core.title or ""
        cell.expect(norm(core) == norm(article.headline), f"core title is {shown_as(core, article.headline)}")

    def standfirst(cell: Cell) -> None:
        found = doc.with_style("Subtitle", "Standfirst")  # Standfirst: files before issue 16
        if not found:
            cell.fail("no Subtitle paragraph")
            return
        cell.expect(found[0].norm == norm(article.standfirst),
                    f"Subtitle paragraph is {shown_as(found[0].text, article.standfirst)}")

    def bylines(cell: Cell) -> None:
        # one Author paragraph per person (what pandoc reads as the author list);
        # a single Byline paragraph in files written before issue 16
        found = doc.with_style("Author")
        old = doc.with_style("Byline")
        if found:
            texts = [p.norm for p in found]
            for person in article.bylines:
                want = norm(byline_text((person,)))
                cell.expect(want in texts, f"no Author paragraph {quoted(want)}")
        elif old:
            want = norm(E.byline(article))
            cell.expect(any(p.norm == want for p in old),
                        f"Byline paragraph is {shown_as(old[0].text, want)}")
        else:
            cell.fail("no Author paragraph")
        author = norm(doc.core.author or "")
        if not author:
            cell.fail("no core author")
        for person in article.bylines:
            cell.expect(norm(person.name) in author,
                        f"core author {quoted(author)} lacks {quoted(person.name)}")

    def figure_checks(cell: Cell, figs: list[E.FigureItem], what: str,
                      captions: bool) -> None:
        """Match the model's figures to the pictures in order; alt text or captions."""
        if len(pictures) < len(E.figures(article)):
            cell.fail(f"{len(pictures)} picture(s) for {len(E.figures(article))} image(s)")
        order = {f.where: n for n, f in enumerate(E.figures(article))}
        for fig in figs:
            n = order[fig.where]
            if n >= len(pictures):
                cell.fail(f"{fig.where}: no picture")
                continue
            index, pic = pictures[n]
            if not captions:
                descr = pic.get("descr")
                cell.expect(descr is not None and norm(descr) == norm(fig.image.alt),
                            f"{fig.where}: descr is {quoted(descr)}, expected "
                            f"{quoted(fig.image.alt)}" if descr is not None
                            else f"{fig.where}: picture has no descr")
                continue
            after = paras[index + 1] if index + 1 < len(paras) else None
            if after is None or not doc.style_is(after, "Caption"):
                cell.fail(f"{fig.where}: no Caption paragraph after the picture")
                continue
            cell.expect(after.has_seq_figure, f"{fig.where}: caption has no SEQ Figure field")
            if norm(fig.caption) not in after.norm:
                shown = after.norm
                at = shown.find(norm(fig.caption)[:12])  # skip the "Figure 1: " label
                cell.fail(f"{fig.where}: caption is "
                          f"{shown_as(shown[at:] if at > 0 else shown, fig.caption)}")
        del what

    def lead_image(cell: Cell) -> None:
        figure_checks(cell, E.figures(article)[:1], "lead image", captions=False)
        broken = doc.image_targets()
        cell.expect(not broken, f"picture data: {', '.join(broken[:2])}")

    def captions(cell: Cell) -> None:
        figure_checks(cell, E.captioned(article), "caption", captions=True)

    def quotes(cell: Cell) -> None:
        at = body_start
        for q in E.quotes(article):
            idx = _find_seq(body_paras, q.text, at, _style_for("quote"))
            if idx is None:
                if q.person:
                    cell.fail(f"{q.where}: quote paragraph {quoted(q.text)} not found")
                continue
            at = idx + 1
            if not q.person:
                continue
            after = paras[idx + 1] if idx + 1 < len(paras) else None
            if after is None or after.norm != norm(q.attribution):
                cell.fail(f"{q.where}: under the quote is "
                          f"{quoted(after.text) if after else 'nothing'}, expected "
                          f"{quoted(q.attribution)}")
                continue
            cell.expect("attribution" in after.style.lower(),
                        f"{q.where}: attribution style is {after.style!r}")

    def body(cell: Cell) -> None:
        at = body_start
        for item in E.body_items(article):
            idx = _find_seq(body_paras, item.text, at, _style_for(item.kind, item.level))
            if idx is None:
                if _find_seq(body_paras, item.text, body_start) is not None:
                    cell.fail(f"{item.where}: out of order")
                else:
                    cell.fail(f"{item.where} {item.kind} {quoted(item.text)} not found")
                continue
            at = idx + 1
            style = paras[idx].style
            if item.kind == "heading":
                cell.expect(style.lower() == f"heading {item.level}",
                            f"{item.where}: style is {style!r}, expected 'Heading {item.level}'")
            elif item.kind == "item":
                want = "List Number" if item.ordered else "List Bullet"
                cell.expect(style.lower().startswith(want.lower()),
                            f"{item.where}: style is {style!r}, expected {want!r}")
        figs = [f for f in E.figures(article) if f.where != "lead_image"]
        if figs:
            figure_checks(cell, figs, "figure", captions=False)

    def date_line(cell: Cell) -> None:
        parts = E.date_line(article)
        styled = doc.with_style("Dates")
        # the Dates paragraph, else the first paragraph showing the first part
        line = styled[0] if styled else next(
            (p for p in paras if parts and norm(parts[0].text) in p.norm), None)
        check_date_line(cell, line.text if line is not None else None, parts)

    def correction_units() -> list[str]:
        """Paragraphs after the corrections heading (else all): one per correction."""
        start = next((i for i, p in enumerate(paras)
                      if doc.style_is(p, "Corrections Heading")), None)
        return [p.text for p in (paras[start + 1:] if start is not None else paras)]

    def corrections(cell: Cell) -> None:
        check_correction_units(cell, correction_units(), E.corrections(article))

    def corrections_order(cell: Cell) -> None:
        check_correction_order(cell, unit_finder(correction_units()), E.corrections(article))

    def tags(cell: Cell) -> None:
        keywords = norm(doc.core.keywords or "")
        if not keywords:
            cell.fail("no core keywords")
            return
        for tag in E.tags(article):
            cell.expect(norm(tag) in keywords, f"core keywords lack {quoted(tag)}")

    def language(cell: Cell) -> None:
        lang = doc.core.language or ""
        cell.expect(lang.lower() == article.language.lower(),
                    f"core language is {lang!r}, expected {article.language!r}")
        if article.dir == "rtl":
            texts = [p for p in paras if p.norm]
            ltr = [p for p in texts if not doc.bidi(p)]
            cell.expect(not ltr, f"{len(ltr)} of {len(texts)} paragraphs without w:bidi, "
                        f"e.g. {quoted(ltr[0].text) if ltr else ''}")
            primary = article.language.split("-")[0].lower()
            cell.expect(any(b.lower().split("-")[0] == primary for _, b in doc.lang_values()),
                        f"no w:lang w:bidi={article.language!r}")

    def validator(cell: Cell) -> None:
        broken = doc.image_targets()
        cell.expect(not broken, f"broken picture: {', '.join(broken[:2])}")
        cell.note("python-docx opens it")

    checks = {
        "headline": headline, "standfirst": standfirst, "bylines": bylines,
        "lead image": lead_image, "caption + credit": captions, "quote attribution": quotes,
        "date line": date_line, "body": body, "corrections": corrections,
        "corrections order": corrections_order, "tags": tags, "language": language,
        "validator": validator,
    }
    return run_fields("docx", checks, na)


def checker(article: Article, path: Path, options: CheckOptions) -> list[Check]:
    """The ``exporter.checkers`` entry point of the DOCX writer's format."""
    return check(article, path)
