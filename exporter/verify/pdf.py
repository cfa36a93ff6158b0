"""Read a PDF back: poppler's ``pdftotext`` for the text, pypdf for the rest.

Text comes from ``pdftotext`` (poppler-utils), which extracts WeasyPrint's
PDFs faithfully; it is run twice, in content-stream order (``-raw``, which
keeps hyphens at line ends) and in reading order (the default, which puts
right-to-left lines in logical order), and a field passes when either
extraction shows it. Without ``pdftotext``, pypdf's extractor is used.
pypdf reads the document information (Title, Author, Subject, Keywords),
the catalog (``/Lang``, ``/StructTreeRoot``, ``/MarkInfo``), the structure
tree (``/Figure`` elements and their ``/Alt``) and every font's descriptor.

Right-to-left text: extractors split Arabic combining marks from their
letters, insert or drop spaces inside words, reverse lam-alef ligatures and
reorder numbers and Latin runs inside a line (see ``docs/verify.md``). A
needle that contains right-to-left letters therefore also matches on a
skeleton (:func:`rtl_skeleton`), and failing that when each of its words is
present; the note on the check says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.verify import expected as E
from exporter.verify.checkers import CheckOptions
from exporter.verify.compare import (
    LINE_BREAK,
    LINE_HYPHEN,
    needle_pattern,
    norm,
    pdf_contains,
    pdf_flat,
    pdf_has_word,
    pdf_text,
    quoted,
    shown_as,
)
from exporter.verify.result import Cell, Check, failed_all, run_fields

if TYPE_CHECKING:
    from exporter.model import Article

#: share of the body's words the PDF text must contain (line breaking, hyphenation)
BODY_WORDS_REQUIRED = 0.97

# a lam next to an alef (or alef maksura): the ligature's letters come out in either order
_LAM_ALEF_RE = re.compile("\u0644(?=[\u0627\u0623\u0625\u0622\u0649])|"
                          "(?<=[\u0627\u0623\u0625\u0622\u0649])\u0644")
_REPEAT_RE = re.compile(r"(.)\1+")


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def reorderable(text: str) -> bool:
    """Text an extractor may put in display order: right-to-left letters, or no
    left-to-right letter at all (digits, punctuation, emoji take the direction
    around them)."""
    return has_rtl(text) or not any(unicodedata.bidirectional(c) == "L" for c in text)


def rtl_skeleton(text: str, keep_punctuation: bool = True) -> str:
    """Text reduced to what survives right-to-left extraction in the same order.

    Compatibility forms folded (NFKC: Arabic presentation forms to letters),
    combining marks, tatweel, bidi marks and all white space removed, a lam
    next to an alef or alef maksura dropped (the letters of those ligatures come
    out in either order), and a letter repeated in a row kept once.
    """
    tokens = []
    # word by word: a lam ending one line (or word) and an alef starting the next
    # are no ligature
    for token in unicodedata.normalize("NFKC", norm(text)).split():
        out = []
        for c in token:
            cat = unicodedata.category(c)
            if cat.startswith("M") or c == "\u0640":
                continue
            if not keep_punctuation and (cat.startswith("P") or cat.startswith("S")):
                continue
            out.append(c)
        token = "".join(out)
        while (shorter := _LAM_ALEF_RE.sub("", token)) != token:  # "للآ" comes out "لآل"
            token = shorter
        tokens.append(token)
    # stacked ligatures (Amiri) can come out with a letter twice: "شحح" for "شح"
    return _REPEAT_RE.sub(r"\1", "".join(tokens))


def direction_runs(word: str) -> list[str]:
    """``word`` cut where its letters change direction ("Ичхапأحثخ" -> "Ичхап", "أحثخ");
    other characters stay with the run before them."""
    runs: list[str] = []
    current = None
    for c in word:
        bidi = unicodedata.bidirectional(c)
        direction = "r" if bidi in ("R", "AL") else "l" if bidi == "L" else None
        if runs and (direction is None or direction == current):
            runs[-1] += c
        else:
            runs.append(c)
            current = direction if direction is not None else current
    return runs


def _broken_word(word: str, last: set[str], first: set[str], whole: set[str]) -> bool:
    """Whether ``word`` is the last word of a line, then whole-line words, then the first
    word of a line (each at least one letter)."""
    starts = {len(e) for e in last if len(e) < len(word) and word.startswith(e)}
    seen: set[int] = set()
    while starts:
        at = starts.pop()
        if at in seen:
            continue
        seen.add(at)
        rest = word[at:]
        if rest in first:
            return True
        starts |= {at + len(w) for w in whole if len(w) < len(rest) and rest.startswith(w)}
    return False


class PdfText:
    """The extracted text(s) of one PDF, with the matching rules of ``compare``."""

    def __init__(self, raws: list[str], tool: str) -> None:
        self.tool = tool
        self.texts = [pdf_text(r) for r in raws]
        self.flats = [pdf_flat(t) for t in self.texts]
        self._skeletons: list[str] | None = None
        self._bare: list[str] | None = None
        self._ends: list[tuple[set[str], set[str], set[str]]] | None = None
        #: the first page without its margin bands (pdftotext only)
        self.first_page: PdfText | None = None

    @staticmethod
    def _unmarked(text: str) -> str:
        return text.replace(LINE_HYPHEN, "").replace(LINE_BREAK, " ")

    @property
    def skeletons(self) -> list[str]:
        if self._skeletons is None:
            self._skeletons = [rtl_skeleton(self._unmarked(t)) for t in self.texts]
        return self._skeletons

    @property
    def bare_skeletons(self) -> list[str]:
        if self._bare is None:
            self._bare = [rtl_skeleton(self._unmarked(t), keep_punctuation=False)
                          for t in self.texts]
        return self._bare

    def find(self, needle: str) -> tuple[bool, str]:
        """Whether ``needle`` shows, and a note when only a right-to-left fallback matched."""
        if any(pdf_contains(t, needle) for t in self.texts):
            return True, ""
        if not reorderable(needle):
            return False, ""
        skeleton = rtl_skeleton(needle)
        if skeleton and any(skeleton in s for s in self.skeletons):
            return True, "right-to-left text compared without marks and spaces"
        bare = [rtl_skeleton(run, keep_punctuation=False) for w in norm(needle).split()
                for run in direction_runs(w)]
        bare = [w for w in bare if w]
        if bare and all(self._has_bare(w) for w in bare):
            return True, "right-to-left text: every word found, order not comparable"
        return False, ""

    def find_date(self, needle: str) -> tuple[bool, str]:
        """Like :meth:`find`; for right-to-left text also when every word and number shows.

        Extractors put the numbers of a right-to-left date line in display order
        ("10:00 ,11-05-2026" for "2026-05-11, 10:00"), so the line cannot be
        compared as a whole there; each of its runs of letters or digits must show.
        """
        found, note = self.find(needle)
        if found or not reorderable(needle):
            return found, note
        plain = [self._unmarked(t) for t in self.texts]
        atoms = re.findall(r"\w+", unicodedata.normalize("NFKC", norm(needle)))
        for atom in atoms:
            bare = rtl_skeleton(atom, keep_punctuation=False)
            if not (any(atom in t for t in plain) or (has_rtl(atom) and self._has_bare(bare))):
                return False, ""
        return True, "right-to-left date line: every word and number found, order not comparable"

    def order(self, needles: list[str]) -> bool | None:
        """Whether the needles show in this order: True when one extraction has them in
        order, False when one has them all but never in order, None when no extraction
        has them all verbatim (right-to-left text found only on its skeleton)."""
        complete = False
        for text in self.texts:
            at, ordered, found = 0, True, True
            for needle in needles:
                pattern = needle_pattern(norm(needle))
                match = pattern.search(text, at)
                if match is None:
                    ordered = False
                    if pattern.search(text) is None:
                        found = False
                        break
                else:
                    at = match.end()
            if found and ordered:
                return True
            complete = complete or found
        return False if complete else None

    def has_word(self, word: str) -> bool:
        """Whether a body word shows (right-to-left words on their skeleton)."""
        if any(pdf_has_word(f, word) for f in self.flats):
            return True
        if reorderable(word):
            # a word mixing directions is shown (and extracted) in display order
            return all(self._has_bare(rtl_skeleton(run, keep_punctuation=False))
                       or any(pdf_has_word(f, run) for f in self.flats)
                       for run in direction_runs(word))
        return False

    def _has_bare(self, bare: str) -> bool:
        if not bare or any(bare in h for h in self.bare_skeletons):
            return True
        return any(_broken_word(bare, *ends) for ends in self.line_ends)

    @property
    def line_ends(self) -> list[tuple[set[str], set[str], set[str]]]:
        """Per text: the skeletons of the last and first word of every line, and of lines
        holding one word -- a word broken across lines, whose pieces the extractor puts
        apart (two right-to-left columns), is found from them."""
        if self._ends is None:
            self._ends = []
            for t in self.texts:
                last, first, whole = set(), set(), set()
                for line in self._unmarked(t.replace(LINE_BREAK, "\n")).split("\n"):
                    tokens = [b for b in (rtl_skeleton(w, keep_punctuation=False)
                                          for w in line.split()) if b]
                    if tokens:
                        last.add(tokens[-1])
                        first.add(tokens[0])
                        if len(tokens) == 1:
                            whole.add(tokens[0])
                self._ends.append((last, first, whole))
        return self._ends


#: running headers and footers live in the page margins: the first page's text
#: between these fractions of its height is what the page itself shows
PAGE_TOP, PAGE_BOTTOM = 0.05, 0.925


def _pdftotext(exe: str, path: Path, *args: str) -> str:
    done = subprocess.run([exe, *args, "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, timeout=120, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ValueError(f"pdftotext failed: {message[-1] if message else done.returncode}")
    return done.stdout.decode("utf-8", "replace")


def extract_text(path: Path, first_page_box: tuple[float, float] | None = None) -> PdfText:
    """The text of ``path`` by pdftotext (both orders), or pypdf when poppler is missing.

    With ``first_page_box`` (width, height in points), the first page without its
    top and bottom margin bands (running header and footer) is extracted too,
    as :attr:`PdfText.first_page`.
    """
    exe = shutil.which("pdftotext")
    if exe is not None:
        raws = [_pdftotext(exe, path, *mode) for mode in (["-raw"], [])]
        text = PdfText(raws, "pdftotext")
        if first_page_box is not None:
            width, height = first_page_box
            crop = ["-f", "1", "-l", "1", "-x", "0", "-y", str(int(height * PAGE_TOP)),
                    "-W", str(int(width) + 1),
                    "-H", str(int(height * (PAGE_BOTTOM - PAGE_TOP)))]
            text.first_page = PdfText([_pdftotext(exe, path, *mode, *crop)
                                       for mode in (["-raw"], [])], "pdftotext")
        return text
    import pypdf

    reader = pypdf.PdfReader(str(path))
    return PdfText(["\n".join(page.extract_text() or "" for page in reader.pages)], "pypdf")


# --- pypdf: metadata, tags, fonts ------------------------------------------------------


def _resolve(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") else obj


def struct_elements(root: Any) -> list[dict[str, Any]]:
    """Every structure element under ``/StructTreeRoot`` (``/S``, ``/Alt``), in order."""
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    stack = [_resolve(root.get("/K"))] if root is not None else []
    while stack:
        node = _resolve(stack.pop())
        if isinstance(node, list):
            stack.extend(reversed(node))
            continue
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        if "/S" in node:
            out.append({"S": str(node["/S"]), "Alt": node.get("/Alt"),
                        "Lang": node.get("/Lang")})
        kids = node.get("/K")
        if kids is not None:
            stack.append(_resolve(kids))
    return out


def unembedded_fonts(reader: Any) -> tuple[int, list[str]]:
    """How many fonts the pages use, and the names of those not embedded."""
    fonts: dict[int, Any] = {}
    seen_res: set[int] = set()

    def visit_resources(res: Any) -> None:
        res = _resolve(res)
        if not isinstance(res, dict) or id(res) in seen_res:
            return
        seen_res.add(id(res))
        for font in (_resolve(res.get("/Font")) or {}).values():
            font = _resolve(font)
            fonts[id(font)] = font
        for xobj in (_resolve(res.get("/XObject")) or {}).values():
            xobj = _resolve(xobj)
            if isinstance(xobj, dict) and "/Resources" in xobj:
                visit_resources(xobj["/Resources"])

    for page in reader.pages:
        visit_resources(page.get("/Resources"))
    missing = []
    for font in fonts.values():
        subtype = font.get("/Subtype")
        if subtype == "/Type3":
            continue  # glyphs are drawn by the PDF itself
        target = font
        if subtype == "/Type0":
            target = _resolve(_resolve(font.get("/DescendantFonts"))[0])
        desc = _resolve(target.get("/FontDescriptor"))
        if not isinstance(desc, dict) or not any(k in desc for k in
                                                 ("/FontFile", "/FontFile2", "/FontFile3")):
            missing.append(str(font.get("/BaseFont", "?")).lstrip("/"))
    return len(fonts), missing


def count_images(reader: Any) -> int:
    n = 0
    for page in reader.pages:
        xobjs = _resolve(_resolve(page.get("/Resources") or {}).get("/XObject")) or {}
        n += sum(1 for x in xobjs.values() if _resolve(x).get("/Subtype") == "/Image")
    return n


# --- the checks ----------------------------------------------------------------------------


def check(article: Article, path: Path) -> list[Check]:
    na = E.not_applicable(article)
    if not path.is_file():
        return failed_all("pdf", "missing file", na)
    try:
        import pypdf

        reader = pypdf.PdfReader(str(path))
        info: Any = reader.metadata or {}
        catalog: Any = reader.trailer["/Root"]
        box = reader.pages[0].mediabox if len(reader.pages) else None
        text = extract_text(path, (float(box.width), float(box.height)) if box else None)
    except Exception as exc:
        return failed_all("pdf", f"unreadable: {type(exc).__name__}: {exc}", na)

    def meta(key: str) -> str:
        value = info.get(key)
        return str(value) if value is not None else ""

    def show(cell: Cell, needle: str, what: str) -> bool:
        found, note = text.find(needle)
        if found and note:
            cell.note(note)
        return cell.expect(found, f"{what} {quoted(needle)} not in the text")

    struct_root = _resolve(catalog.get("/StructTreeRoot"))
    elements = struct_elements(struct_root) if struct_root is not None else []
    figures_alt = [e["Alt"] for e in elements if e["S"] == "/Figure"]

    def headline(cell: Cell) -> None:
        if show(cell, article.headline, "headline") and text.first_page is not None:
            found, note = text.first_page.find(article.headline)
            if found and note:
                cell.note(note)
            cell.expect(found, "headline shows only in a running header or footer, not "
                               "whole on the first page")
        title = meta("/Title")
        cell.expect(norm(title) == norm(article.headline),
                    f"/Title is {shown_as(title, article.headline)}" if title else "no /Title metadata")

    def standfirst(cell: Cell) -> None:
        show(cell, article.standfirst or "", "standfirst")
        subject = meta("/Subject")
        cell.expect(norm(subject) == norm(article.standfirst),
                    f"/Subject is {shown_as(subject, article.standfirst)}" if subject else "no /Subject metadata")

    def bylines(cell: Cell) -> None:
        show(cell, E.byline(article), "byline")
        author = meta("/Author")
        if not author:
            cell.fail("no /Author metadata")
        for person in article.bylines:
            cell.expect(norm(person.name) in norm(author),
                        f"/Author {quoted(author)} lacks {quoted(person.name)}")

    def lead_image(cell: Cell) -> None:
        image = article.lead_image
        assert image is not None
        cell.expect(count_images(reader) > 0, "no image in the PDF")
        if struct_root is None:
            cell.fail("no structure tree, so no /Alt")
            return
        if not figures_alt:
            cell.fail("no /Figure element in the structure tree")
            return
        cell.expect(norm(str(figures_alt[0] or "")) == norm(image.alt),
                    f"first /Figure /Alt is {quoted(str(figures_alt[0] or ''))}, "
                    f"expected {quoted(image.alt)}")

    def captions(cell: Cell) -> None:
        for fig in E.captioned(article):
            show(cell, fig.caption, f"{fig.where} caption")

    def quotes(cell: Cell) -> None:
        for q in E.quotes(article):
            if q.attribution:
                show(cell, q.attribution, f"{q.where} attribution")

    def body(cell: Cell) -> None:
        wanted = [w for it in E.body_items(article) for w in norm(it.text).split()]
        found: dict[str, bool] = {}
        missing: list[str] = []
        for w in wanted:
            if w not in found:
                found[w] = text.has_word(w)
            if not found[w]:
                missing.append(w)
        if wanted:
            share = 1 - len(missing) / len(wanted)
            cell.expect(share >= BODY_WORDS_REQUIRED,
                        f"{share:.1%} of body words found (needs {BODY_WORDS_REQUIRED:.0%}); "
                        f"missing e.g. {', '.join(repr(w) for w in dict.fromkeys(missing))}"[:300])
            if missing:
                cell.note(f"{share:.1%} of body words")
        # body figures: alt text in the structure tree (the lead image is the first figure)
        body_figs = [f for f in E.figures(article) if f.where != "lead_image"]
        if body_figs:
            alts = [norm(str(a or "")) for a in figures_alt]
            for fig in body_figs:
                cell.expect(norm(fig.image.alt) in alts,
                            f"{fig.where}: no /Figure with /Alt {quoted(fig.image.alt)}")
        if any(has_rtl(w) for w in wanted):
            cell.note("right-to-left words compared without marks, spaces and punctuation")

    def date_line(cell: Cell) -> None:
        parts = E.date_line(article)
        shown = True
        for p in parts:
            found, note = text.find_date(p.text)
            if found and note:
                cell.note(note)
            shown = cell.expect(found, f"{p.where} {quoted(p.text)} not in the text") and shown
        if shown and len(parts) > 1:
            ordered = text.order([p.text for p in parts])
            cell.expect(ordered is not False, "date line out of order: updated shown before "
                                              "published")

    def corrections(cell: Cell) -> None:
        for c in E.corrections(article):
            if show(cell, c.text, c.where):
                show(cell, c.date, f"{c.where} date")

    def corrections_order(cell: Cell) -> None:
        items = E.corrections(article)
        ordered = text.order([c.text for c in items])
        if ordered is None:
            if all(text.find(c.text)[0] for c in items) and reorderable(
                    " ".join(c.text for c in items)):
                cell.note("right-to-left text: order not comparable")
                return
            cell.fail("not every correction is in the text")
        cell.expect(ordered is not False, "corrections not newest first (in the text)")

    def tags(cell: Cell) -> None:
        keywords = norm(meta("/Keywords"))
        if not keywords:
            cell.fail("no /Keywords metadata")
            return
        for tag in E.tags(article):
            cell.expect(norm(tag) in keywords, f"/Keywords lacks {quoted(tag)}")

    def language(cell: Cell) -> None:
        lang = str(catalog.get("/Lang") or "")
        cell.expect(lang.lower() == article.language.lower(),
                    f"/Lang is {lang!r}, expected {article.language!r}" if lang else "no /Lang")

    def validator(cell: Cell) -> None:
        if struct_root is None:
            cell.fail("not tagged: no /StructTreeRoot")
        elif not elements:
            cell.fail("empty structure tree")
        mark = _resolve(catalog.get("/MarkInfo")) or {}
        cell.expect(bool(mark.get("/Marked")), "/MarkInfo /Marked is not true")
        cell.expect(bool(catalog.get("/Lang")), "no /Lang")
        n_fonts, missing = unembedded_fonts(reader)
        cell.expect(not missing, f"fonts not embedded: {', '.join(missing[:4])}")
        if len(article.images()) and not figures_alt:
            cell.fail("images without /Figure structure elements")
        cell.note(f"tagged, {n_fonts} fonts embedded, text by {text.tool}")

    checks = {
        "headline": headline, "standfirst": standfirst, "bylines": bylines,
        "lead image": lead_image, "caption + credit": captions, "quote attribution": quotes,
        "date line": date_line, "body": body, "corrections": corrections,
        "corrections order": corrections_order, "tags": tags, "language": language,
        "validator": validator,
    }
    return run_fields("pdf", checks, na)


def checker(article: Article, path: Path, options: CheckOptions) -> list[Check]:
    """The ``exporter.checkers`` entry point of the PDF writer's format."""
    return check(article, path)


__all__ = ["BODY_WORDS_REQUIRED", "check", "checker", "extract_text", "rtl_skeleton"]
