"""Packaging and picture conversion for the DOCX writer.

Saving without python-docx's own compression (the archive is rewritten once
by :func:`exporter.reproducible.normalise_zip`), caching the reference
document uncompressed, and turning pictures Word cannot embed (WebP, GIF,
TIFF, SVG with cairosvg) into PNG -- or refusing them with the error given.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any, BinaryIO

from .errors import ResourceError


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


class _StoredZip:
    """A python-docx physical package writer that does not compress: the archive is
    rewritten once by :func:`normalise_zip` anyway, so deflating here is wasted."""

    def __init__(self, stream: BinaryIO) -> None:
        self.zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED)
        self.names: list[str] = []

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.names.append(pack_uri.membername)
        self.zip.writestr(pack_uri.membername, blob)

    def close(self) -> None:
        self.zip.close()


def save(document: Any) -> tuple[bytes, list[str]]:
    """Serialise ``document``; return the ZIP bytes and its picture members."""
    out = io.BytesIO()
    try:
        from docx.opc.pkgwriter import PackageWriter

        package = document.part.package
        parts = list(package.parts)
        for part in parts:
            part.before_marshal()
        phys = _StoredZip(out)
        PackageWriter._write_content_types_stream(phys, parts)
        PackageWriter._write_pkg_rels(phys, package.rels)
        PackageWriter._write_parts(phys, parts)
        phys.close()
        names = phys.names
    except AttributeError:  # python-docx internals moved: its public, compressing save
        out = io.BytesIO()
        document.save(out)
        names = zipfile.ZipFile(out).namelist()
    media = [n for n in names if n.startswith("word/media/")
             and n.lower().endswith((".png", ".jpg", ".jpeg"))]
    return out.getvalue(), media


def to_png(data: bytes, error: ResourceError) -> tuple[bytes, int, int]:
    """Re-encode any picture Pillow reads (WebP, GIF, TIFF, BMP...) as PNG (first frame)."""
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as im:
            im.seek(0)
            if im.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                im = im.convert("RGBA" if "A" in im.getbands() else "RGB")
            out = io.BytesIO()
            im.save(out, "PNG")
            return out.getvalue(), im.width, im.height
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
