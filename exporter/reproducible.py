"""Deterministic output: the same input gives the same bytes.

Nothing here reads the clock. ZIP-based formats (DOCX, EPUB) are rewritten
with fixed entry times taken from ``SOURCE_DATE_EPOCH`` (clamped to 1980,
ZIP's epoch) or, without it, from the article's own dates; entries keep a
stable order with ``mimetype`` first and stored uncompressed (EPUB's rule).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


def source_date_epoch() -> datetime | None:
    """``SOURCE_DATE_EPOCH`` as an aware datetime, or None when unset or invalid."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    try:
        return datetime.fromtimestamp(int(raw), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def build_time(*candidates: datetime | None) -> datetime:
    """The timestamp to stamp into an output: SOURCE_DATE_EPOCH, else the first
    article date given, else the ZIP epoch -- never "now"."""
    chosen = source_date_epoch() or next((c for c in candidates if c is not None), None)
    return (chosen or ZIP_EPOCH).astimezone(UTC)


def zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    when = max(when.astimezone(UTC), ZIP_EPOCH)
    when = min(when, datetime(2107, 12, 31, 23, 59, 58, tzinfo=UTC))
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)


def write_zip(entries: Iterable[tuple[str, bytes]], when: datetime, first: Sequence[str] = (),
              stored: Sequence[str] = ()) -> bytes:
    """A ZIP archive of ``(name, bytes)`` entries with fixed times, permissions and order.

    Entries named in ``first`` come first in that order, the rest keep their
    given order; entries named in ``stored`` are not compressed.
    """
    stamp = zip_time(when)
    contents = dict(entries)
    ordered = [n for n in first if n in contents] + [n for n in contents if n not in first]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            dst.writestr(info, contents[name])
    return out.getvalue()


def normalise_zip(data: bytes, when: datetime, first: Sequence[str] = (),
                  stored: Sequence[str] = ()) -> bytes:
    """Rewrite a ZIP archive with fixed times, fixed permissions and stable order.

    Entries named in ``first`` come first in that order, the rest keep their
    original order; entries named in ``stored`` are not compressed.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return write_zip(((n, src.read(n)) for n in src.namelist()), when, first, stored)
