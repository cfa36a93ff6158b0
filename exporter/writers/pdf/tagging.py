"""Finish WeasyPrint 70's structure tree so PDF/UA checkers accept it.

WeasyPrint 70 tags the text of ``@page`` margin boxes (our running footer)
as ``/Span`` marked content with MCIDs, builds structure elements for them
and then leaves those elements out of the tree (``weasyprint/pdf/tags.py``:
"It could be included in tree as Artifact, but that's only allowed in PDF
2.0"). The footer is then content that is neither in the structure tree nor
an artifact, which PDF/UA-1 forbids. It also builds the tree page by page,
so an article over two pages becomes two ``/Art`` elements (and its body
two ``/Div`` elements).

:func:`finish_tags` rewrites the PDF once with pikepdf:

- every marked-content sequence whose MCID maps (via the ``/ParentTree``)
  to an element the tree does not reach becomes
  ``/Artifact <</Type /Pagination>> BDC`` and its ParentTree entry is
  dropped -- for our pages, exactly the margin boxes;
- consecutive ``/Art`` children of ``/Document`` are merged into one, and so
  are a ``/Div`` ending one page and a ``/Div`` starting the next inside it
  (the same HTML element split by the page break);
- the file is saved with an ``/ID`` computed from its content, so the same
  article gives the same bytes wherever its folder is.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, Object

#: elements a page break splits in our pages (the article, its body columns)
_CONTINUED = {"/Div"}


def finish_tags(data: bytes) -> bytes:
    """The PDF ``data`` with its untagged margin content made artifacts and pages' Arts merged."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        _merge_articles(pdf, root)
        reached = _reachable(root)
        parent_tree = _page_arrays(root)
        for page in pdf.pages:
            key = page.obj.get("/StructParents")
            if key is None or int(key) not in parent_tree:
                continue
            refs = parent_tree[int(key)]
            orphans = {mcid for mcid, ref in enumerate(refs)
                       if isinstance(ref, Dictionary) and ref.objgen not in reached}
            if orphans:
                _make_artifacts(pdf, page, orphans)
                for mcid in orphans:
                    refs[mcid] = None
                while len(refs) and refs[len(refs) - 1] is None:
                    del refs[len(refs) - 1]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _kids(element: Object) -> list[Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _reachable(root: Object) -> set[tuple[int, int]]:
    """The object ids of every structure element the tree reaches from its root."""
    seen: set[tuple[int, int]] = set()
    todo = _kids(root)
    while todo:
        node = todo.pop()
        if not isinstance(node, Dictionary) or "/S" not in node:
            continue
        if node.objgen in seen:
            continue
        seen.add(node.objgen)
        todo.extend(_kids(node))
    return seen


def _page_arrays(root: Object) -> dict[int, Array]:
    """ParentTree entries that are per-page MCID arrays, by StructParents key."""
    nums = root.ParentTree.get("/Nums") or Array()
    found: dict[int, Array] = {}
    for i in range(0, len(nums) - 1, 2):
        entry = nums[i + 1]
        if isinstance(entry, Array):
            found[int(nums[i])] = entry
    return found


def _make_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int]) -> None:
    """Turn the page's marked-content sequences with these MCIDs into pagination artifacts."""
    commands: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInstruction):
            operands = list(instruction.operands)
            if (str(instruction.operator) == "BDC" and len(operands) == 2
                    and isinstance(operands[1], Dictionary) and "/MCID" in operands[1]
                    and int(operands[1].MCID) in orphans):
                instruction = pikepdf.ContentStreamInstruction(
                    [Name.Artifact, Dictionary(Type=Name.Pagination)], instruction.operator)
        commands.append(instruction)
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(commands))


def _merge_articles(pdf: pikepdf.Pdf, root: Object) -> None:
    """One ``/Art`` per run of page-by-page ``/Art`` elements under ``/Document``."""
    for document in _kids(root):
        if not isinstance(document, Dictionary) or document.get("/S") != "/Document":
            continue
        merged: list[Object] = []
        for kid in _kids(document):
            previous = merged[-1] if merged else None
            if (isinstance(kid, Dictionary) and isinstance(previous, Dictionary)
                    and kid.get("/S") == "/Art" and previous.get("/S") == "/Art"):
                _absorb(pdf, root, previous, kid)
            else:
                merged.append(kid)
        document.K = Array(merged)


def _absorb(pdf: pikepdf.Pdf, root: Object, into: Object, other: Object) -> None:
    """Move ``other``'s children to the end of ``into`` (they were one element)."""
    first = _kids(into)
    rest = _kids(other)
    if (first and rest and isinstance(first[-1], Dictionary) and isinstance(rest[0], Dictionary)
            and first[-1].get("/S") in _CONTINUED and rest[0].get("/S") == first[-1].get("/S")):
        _absorb(pdf, root, first[-1], rest[0])
        rest = rest[1:]
    kids = list(first)
    for kid in rest:
        if isinstance(kid, Dictionary):
            if "/S" in kid:
                kid.P = into
        else:  # a bare MCID: it lies on other's page
            kid = Dictionary(Type=Name.MCR, Pg=other.Pg, MCID=int(kid))
        kids.append(kid)
    into.K = Array(kids)
    _repoint(root, other, into)


def _repoint(root: Object, old: Object, new: Object) -> None:
    """ParentTree entries naming ``old`` name ``new`` instead."""
    nums = root.ParentTree.get("/Nums") or Array()
    for i in range(1, len(nums), 2):
        entry = nums[i]
        if isinstance(entry, Array):
            for j, ref in enumerate(entry):
                if isinstance(ref, Dictionary) and ref.objgen == old.objgen:
                    entry[j] = new
        elif isinstance(entry, Dictionary) and entry.objgen == old.objgen:
            nums[i] = new
