"""The one resource gate: every image, stylesheet or font any writer reads passes here.

Untrusted articles name resources; the gate decides whether a name may be
read at all. By default only ``data:`` URIs and files inside the article's own
folder or the style folder (after resolving ``..`` and symlinks) are served.
Everything else -- absolute paths elsewhere, ``file:`` URLs outside those
roots, traversal, ``http(s)``/``ftp`` -- is refused with a message naming the
resource, unless the user opened it with ``allow_roots`` or ``allow_remote``.
Remote fetching, when allowed, has a size cap and a timeout, follows no
redirects and never connects to private, loopback or link-local addresses.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import mimetypes
import socket
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from exporter.errors import ResourceError

if TYPE_CHECKING:
    from exporter.model import Article
    from exporter.model import Image as ArticleImage

MAX_RESOURCE_BYTES = 50 * 1024 * 1024
MAX_IMAGE_PIXELS = 100_000_000  # ~10000 x 10000; Pillow's bomb guard fires above this
REMOTE_TIMEOUT = 10.0

_IMAGE_TYPES = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
    "SVG": ("image/svg+xml", ".svg"),
}


@dataclass(frozen=True)
class Resource:
    """Bytes the gate agreed to serve."""

    data: bytes
    media_type: str
    #: the local file it came from, if any (for copying next to outputs)
    path: Path | None = None
    #: the original reference, for messages
    ref: str = ""


@dataclass(frozen=True)
class ImageInfo:
    """A decoded-enough image: type and pixel size checked with Pillow."""

    resource: Resource
    media_type: str
    extension: str
    width: int
    height: int
    #: Pillow's format name (JPEG, PNG, ...) or SVG
    format: str


@dataclass(frozen=True)
class ResourceGate:
    """Decides which resources may be read, and reads them.

    ``roots`` are the folders whose files may be served: the article's folder
    and the style folder, plus anything the user opened with ``--allow-root``.
    """

    roots: tuple[Path, ...]
    allow_remote: bool = False
    max_bytes: int = MAX_RESOURCE_BYTES
    timeout: float = REMOTE_TIMEOUT
    _resolved: tuple[Path, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_resolved", tuple(Path(r).resolve() for r in self.roots))

    @classmethod
    def for_article(cls, base_dir: Path, style_dir: Path | None = None,
                    allow_roots: tuple[Path, ...] = (), allow_remote: bool = False) -> ResourceGate:
        roots = [base_dir]
        if style_dir is not None:
            roots.append(style_dir)
        roots.extend(allow_roots)
        return cls(tuple(roots), allow_remote=allow_remote)

    # -- deciding ---------------------------------------------------------------

    def local_path(self, ref: str, base: Path | None = None) -> Path:
        """The file ``ref`` names, if it lies inside an allowed root; else refuse."""
        base = base or (self._resolved[0] if self._resolved else Path.cwd())
        if ref.startswith("file:"):
            parsed = urllib.parse.urlparse(ref)
            if parsed.netloc not in ("", "localhost"):
                raise ResourceError(f"refused {ref!r}: file URLs on other hosts are never read")
            candidate = Path(urllib.parse.unquote(parsed.path))
        else:
            candidate = Path(urllib.parse.unquote(ref.split("#", 1)[0].split("?", 1)[0]))
        if not candidate.is_absolute():
            candidate = base / candidate
        resolved = candidate.resolve()
        if not any(resolved == root or resolved.is_relative_to(root) for root in self._resolved):
            raise ResourceError(
                f"refused {ref!r}: it lies outside the article's folder "
                "(use --allow-root DIR to open another folder)")
        return resolved

    @staticmethod
    def scheme(ref: str) -> str:
        parsed = urllib.parse.urlsplit(ref)
        # "C:\\x" parses with scheme "c"; one letter is a drive, not a scheme.
        return parsed.scheme.lower() if len(parsed.scheme) > 1 else ""

    def is_remote(self, ref: str) -> bool:
        return self.scheme(ref) not in ("", "file", "data")

    # -- reading ------------------------------------------------------------------

    def open(self, ref: str, base: Path | None = None) -> Resource:
        """Read ``ref`` if the gate allows it; raise :class:`ResourceError` otherwise."""
        scheme = self.scheme(ref)
        if scheme == "data":
            return _decode_data_uri(ref, self.max_bytes)
        if scheme in ("", "file"):
            path = self.local_path(ref, base)
            if not path.is_file():
                raise ResourceError(f"{ref!r} not found")
            size = path.stat().st_size
            if size > self.max_bytes:
                raise ResourceError(f"{ref!r} is {size} bytes, over the {self.max_bytes}-byte limit")
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return Resource(path.read_bytes(), media_type, path, ref)
        if scheme in ("http", "https"):
            if not self.allow_remote:
                raise ResourceError(
                    f"refused {ref!r}: remote resources are not fetched (use --allow-remote)")
            return self._fetch(ref)
        raise ResourceError(f"refused {ref!r}: the {scheme}: scheme is not supported")

    def image(self, ref: str, base: Path | None = None) -> ImageInfo:
        """Read an image through the gate and check its type and pixel count."""
        res = self.open(ref, base)
        return inspect_image(res)

    def _fetch(self, url: str) -> Resource:
        host = urllib.parse.urlsplit(url).hostname or ""
        _refuse_private_host(host, url)

        class _NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                raise ResourceError(f"refused {url!r}: redirects are not followed")

        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(url, timeout=self.timeout) as response:
                data = response.read(self.max_bytes + 1)
                media_type = response.headers.get_content_type()
        except ResourceError:
            raise
        except Exception as exc:
            raise ResourceError(f"could not fetch {url!r}: {exc}") from None
        if len(data) > self.max_bytes:
            raise ResourceError(f"{url!r} is over the {self.max_bytes}-byte limit")
        return Resource(data, media_type, None, url)


def _refuse_private_host(host: str, url: str) -> None:
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise ResourceError(f"could not resolve {url!r}: {exc}") from None
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved \
                or addr.is_multicast or addr.is_unspecified:
            raise ResourceError(f"refused {url!r}: it points to a private or local address")


def _decode_data_uri(ref: str, max_bytes: int) -> Resource:
    try:
        header, payload = ref[5:].split(",", 1)
    except ValueError:
        raise ResourceError("malformed data: URI (no comma)") from None
    params = header.split(";")
    media_type = params[0] or "text/plain"
    try:
        if "base64" in params[1:]:
            data = base64.b64decode(payload, validate=False)
        else:
            data = urllib.parse.unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise ResourceError("malformed data: URI (bad base64)") from None
    if len(data) > max_bytes:
        raise ResourceError(f"data: URI is over the {max_bytes}-byte limit")
    return Resource(data, media_type, None, ref[:40] + "...")


def inspect_image(res: Resource) -> ImageInfo:
    """Identify an image with Pillow without decoding all its pixels."""
    head = res.data[:512].lstrip()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in res.data[:2048]):
        return ImageInfo(res, "image/svg+xml", ".svg", 0, 0, "SVG")
    import io
    import warnings

    from PIL import Image as PILImage

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(res.data)) as im:
                width, height = im.size
                fmt = im.format or ""
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ResourceError(f"{res.ref!r} has too many pixels (decompression-bomb guard)") from None
    except Exception:
        raise ResourceError(f"{res.ref!r} is not an image this tool can read") from None
    if width * height > MAX_IMAGE_PIXELS:
        raise ResourceError(f"{res.ref!r} is {width}x{height} pixels, over the "
                            f"{MAX_IMAGE_PIXELS}-pixel limit")
    media_type, ext = _IMAGE_TYPES.get(fmt, (res.media_type, mimetypes.guess_extension(res.media_type) or ".bin"))
    return ImageInfo(res, media_type, ext, width, height, fmt)


def image_fields(article: Article) -> list[tuple[str, ArticleImage]]:
    """Every picture of an article with its field path, in reading order."""
    found: list[tuple[str, ArticleImage]] = []
    if article.lead_image is not None:
        found.append(("lead_image", article.lead_image))
    for index, block in enumerate(article.body):
        if block.type == "figure":
            found.append((f"body[{index}].image", block.image))
    return found


def load_article_images(article: Article, gate: ResourceGate) -> dict[str, ImageInfo]:
    """Read and check every picture of ``article`` through ``gate``, keyed by ``src``.

    A picture that is refused or unreadable is an input error naming the
    article file and the field: a news page without its photo is not a page
    to publish silently.
    """
    loaded: dict[str, ImageInfo] = {}
    for path, image in image_fields(article):
        if image.src in loaded:
            continue
        try:
            loaded[image.src] = gate.image(image.src, article.base_dir)
        except ResourceError as exc:
            exc.field = f"{path}.src"
            raise exc.with_source(article.origin or "<article>") from None
    return loaded
