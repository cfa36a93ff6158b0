"""Packaging and picture conversion for the DOCX writer.

Saving without python-docx's own ZIP (the parts go straight to
:func:`exporter.reproducible.write_zip`, compressed once), caching the reference
document uncompressed, and turning pictures Word cannot embed (WebP, GIF,
TIFF, SVG with cairosvg) into PNG -- or refusing them with the error given.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from exporter.errors import ResourceError


def stored(data: bytes) -> bytes:
    """The same ZIP, uncompressed: opening it for every article then costs no inflate.
    Not a ZIP at all: returned as it is, for python-docx to reject with its message."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as src:
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
                for info in src.infolist():
                    dst.writestr(info.filename, src.read(info))
            return out.getvalue()
    except Exception:  # not a ZIP, encrypted, odd compression: let python-docx say why
        return data


class _Entries:
    """A python-docx physical package writer that only collects ``(name, bytes)``:
    :func:`exporter.reproducible.write_zip` then builds the one, deterministic ZIP."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, bytes]] = []

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.entries.append((pack_uri.membername, blob))

    def close(self) -> None:
        pass


def entries(document: Any) -> list[tuple[str, bytes]]:
    """The parts of ``document`` as ZIP entries, in python-docx's order, uncompressed."""
    try:
        from docx.opc.pkgwriter import PackageWriter

        package = document.part.package
        parts = list(package.parts)
        for part in parts:
            part.before_marshal()
        phys = _Entries()
        PackageWriter._write_content_types_stream(phys, parts)
        PackageWriter._write_pkg_rels(phys, package.rels)
        PackageWriter._write_parts(phys, parts)  # type: ignore[arg-type]  # _Entries is a duck-typed PhysPkgWriter
        return phys.entries
    except AttributeError:  # python-docx internals moved: its public (compressing) save
        out = io.BytesIO()
        document.save(out)
        with zipfile.ZipFile(out) as z:
            return [(name, z.read(name)) for name in z.namelist()]


def compressed_media(names: list[str]) -> list[str]:
    """Pictures already compressed (PNG, JPEG): stored, they cost no second deflate."""
    return [n for n in names if n.startswith("word/media/")
            and n.lower().endswith((".png", ".jpg", ".jpeg"))]


def to_png(data: bytes, error: ResourceError) -> tuple[bytes, int, int]:
    """Re-encode any picture Pillow reads (WebP, GIF, TIFF, BMP...) as PNG (first frame)."""
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as im:
            im.seek(0)
            frame: PILImage.Image = im
            if frame.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                frame = frame.convert("RGBA" if "A" in frame.getbands() else "RGB")
            out = io.BytesIO()
            frame.save(out, "PNG")
            return out.getvalue(), frame.width, frame.height
    except Exception:
        raise error from None


def svg_to_png(data: bytes, error: ResourceError) -> tuple[bytes, int, int]:
    """SVG -> PNG with cairosvg when it is installed (never fetching anything); else refuse."""
    try:
        import cairosvg  # type: ignore[import-not-found]
    except ImportError:
        raise error from None

    def no_fetch(url: str, *args: object, **kwargs: object) -> bytes:
        raise ValueError(f"refused to fetch {url!r} from an SVG")

    try:
        png = cairosvg.svg2png(bytestring=data, url_fetcher=no_fetch, unsafe=False,
                               output_width=1600)
    except Exception:
        raise error from None
    return to_png(png, error)
