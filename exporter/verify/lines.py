"""The checks of the date line and the corrections, over any format's reading order.

Each format finds its own units (HTML elements, DOCX paragraphs, PDF text) and
hands them here, so "newest first" and "``Published <date>`` then ``Updated
<date>``" mean the same in every format. The expected values come from
:mod:`exporter.verify.expected`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from exporter.verify.compare import norm, quoted
from exporter.verify.expected import CorrectionItem, DatePart
from exporter.verify.result import Cell

#: ``find_from(needle, start)``: where the match ends (the next search starts there), or None
FindFrom = Callable[[str, int], "int | None"]


def in_order(cell: Cell, items: Sequence[tuple[str, str]], find_from: FindFrom,
             what: str) -> bool:
    """Every ``(where, needle)`` found after the previous one; fails ``cell`` otherwise."""
    at = 0
    previous = None
    for where, needle in items:
        end = find_from(needle, at)
        if end is None:
            if previous is not None and find_from(needle, 0) is not None:
                cell.fail(f"{what}: {where} {quoted(needle, 40)} is shown before "
                          f"{previous}")
            else:
                cell.fail(f"{where} {quoted(needle, 40)} not found")
            return False
        at, previous = end, where
    return True


def text_finder(text: str) -> FindFrom:
    """``find_from`` over one normalised text."""
    flat = norm(text)

    def find_from(needle: str, start: int) -> int | None:
        i = flat.find(norm(needle), start)
        return None if i < 0 else i + len(norm(needle))

    return find_from


def unit_finder(units: Sequence[str]) -> FindFrom:
    """``find_from`` over units in reading order (paragraphs, elements): a unit index."""
    normed = [norm(u) for u in units]

    def find_from(needle: str, start: int) -> int | None:
        want = norm(needle)
        for i in range(start, len(normed)):
            if want in normed[i]:
                return i + 1
        return None

    return find_from


def check_date_line(cell: Cell, shown: str | None, parts: Sequence[DatePart]) -> None:
    """``shown`` (the date line's text) holds every part, published before updated."""
    if shown is None:
        cell.fail("no date line")
        return
    in_order(cell, [(p.where, p.text) for p in parts], text_finder(shown),
             "date line out of order")


def check_correction_units(cell: Cell, units: Sequence[str],
                           items: Sequence[CorrectionItem]) -> None:
    """Each correction's text in some unit, with its date in the same unit."""
    normed = [norm(u) for u in units]
    for c in items:
        holding = [u for u in normed if norm(c.text) in u]
        if not holding:
            cell.fail(f"{c.where} {quoted(c.text)} not shown")
        elif not any(norm(c.date) in u for u in holding):
            cell.fail(f"{c.where}: date {c.date!r} not shown with it")


def check_correction_order(cell: Cell, find_from: FindFrom,
                           items: Sequence[CorrectionItem]) -> None:
    """The corrections' texts appear newest first."""
    in_order(cell, [(c.where, c.text) for c in items], find_from,
             "corrections not newest first")
