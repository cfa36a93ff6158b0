"""The one resource gate: every image, stylesheet or font any writer reads passes here.

Untrusted articles name resources; the gate decides whether a name may be
read at all. By default only ``data:`` URIs and files inside the article's own
folder or the style folder (after resolving ``..`` and symlinks) are served.
Everything else -- absolute paths elsewhere, ``file:`` URLs outside those
roots, traversal, ``http(s)``/``ftp`` -- is refused with a message naming the
resource, unless the user opened it with ``allow_roots`` or ``allow_remote``.
Every local file is read by :func:`read_regular_file` (a regular file,
checked on the open descriptor, read with a cap; inputs use it too).
Remote fetching, when allowed, has a size cap and one total deadline,
follows no redirects, resolves the name once and connects to that checked
address, which must be public (:func:`is_public_address`). docs/security.md
has the whole model.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import http.client
import io
import ipaddress
import mimetypes
import os
import socket
import ssl
import stat
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.dispatch import BLOCK_KINDS, RuleTable
from exporter.errors import ResourceError

if TYPE_CHECKING:
    from exporter.model import Article
    from exporter.model import Image as ArticleImage

MAX_RESOURCE_BYTES = 50 * 1024 * 1024
MAX_IMAGE_PIXELS = 100_000_000  # ~10000 x 10000; Pillow's bomb guard fires above this
#: total seconds one remote fetch may take (connect, headers and body together)
REMOTE_TIMEOUT = 10.0
_READ_CHUNK = 64 * 1024

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
                "(add its folder to allow_roots to open it)")
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
            try:
                data = read_regular_file(path, self.max_bytes, follow=False)
            except ResourceError as exc:
                raise ResourceError(f"{ref!r} {exc.message}") from None
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return Resource(data, media_type, path, ref)
        if scheme in ("http", "https"):
            if not self.allow_remote:
                raise ResourceError(
                    f"refused {ref!r}: remote resources are not fetched (set allow_remote "
                    "to fetch them)")
            return self._fetch(ref)
        raise ResourceError(f"refused {ref!r}: the {scheme}: scheme is not supported")

    def accepts(self, ref: str, base: Path | None = None) -> bool:
        """Whether :meth:`open` would serve ``ref``, decided without reading it.

        Cheap and safe to call on anything an article names (the batch
        manifest asks before hashing a picture): a local file is only
        ``stat``-ed, never opened, so a FIFO or a device never blocks here;
        a remote URL is accepted when remote fetching is on, without a DNS
        lookup. True does not promise the bytes are a valid image.
        """
        scheme = self.scheme(ref)
        if scheme == "data":
            return True
        if scheme in ("", "file"):
            try:
                info = self.local_path(ref, base).stat()
            except (ResourceError, OSError, ValueError):
                return False
            return stat.S_ISREG(info.st_mode) and info.st_size <= self.max_bytes
        return scheme in ("http", "https") and self.allow_remote

    def image(self, ref: str, base: Path | None = None) -> ImageInfo:
        """Read an image through the gate and check its type and pixel count."""
        res = self.open(ref, base)
        return inspect_image(res)

    def _fetch(self, url: str) -> Resource:
        """GET ``url`` from the one address that was checked, within one total deadline."""
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:
            raise ResourceError(f"refused {url!r}: the port is not a number") from None
        address = checked_address(host, port, url)
        deadline = time.monotonic() + self.timeout
        conn = pinned_connection(parts.scheme.lower(), host, port, address, self.timeout)
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        # At the deadline the socket is shut down, whatever read is waiting: a
        # server that drips one byte per second cannot hold the run.
        watchdog = threading.Timer(self.timeout, _shutdown, args=(conn,))
        watchdog.daemon = True
        watchdog.start()
        try:
            conn.request("GET", target, headers={"User-Agent": "exporter", "Accept": "image/*"})
            response = conn.getresponse()
            if 300 <= response.status < 400:
                raise ResourceError(f"refused {url!r}: redirects are not followed")
            if response.status != 200:
                raise ResourceError(f"could not fetch {url!r}: HTTP {response.status}")
            media_type = response.headers.get_content_type()
            chunks: list[bytes] = []
            size = 0
            while size <= self.max_bytes:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if conn.sock is not None:
                    conn.sock.settimeout(remaining)
                chunk = response.read1(_READ_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except ResourceError:
            raise
        except Exception as exc:
            if time.monotonic() >= deadline:
                raise ResourceError(f"could not fetch {url!r}: no complete answer within "
                                    f"{self.timeout:g} s") from None
            raise ResourceError(f"could not fetch {url!r}: {exc}") from None
        finally:
            watchdog.cancel()
            conn.close()
        if size > self.max_bytes:
            raise ResourceError(f"{url!r} is over the {self.max_bytes}-byte limit")
        return Resource(b"".join(chunks), media_type, None, url)


# --- the network rule ---------------------------------------------------------------

#: never connected to, on top of what ``ipaddress`` calls private, loopback,
#: link-local, multicast, reserved or not global
BLOCKED_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    "::/128", "::1/128", "::/96", "100::/64", "2001::/32", "2001:db8::/32", "fc00::/7",
    "fe80::/10", "fec0::/10", "ff00::/8",
))
#: IPv6 prefixes whose last 32 bits are an IPv4 address the packet ends up at
_EMBEDDING_V4 = tuple(ipaddress.ip_network(n) for n in ("::ffff:0:0/96", "64:ff9b::/96",
                                                        "64:ff9b:1::/48"))
_SIXTOFOUR = ipaddress.ip_network("2002::/16")


def is_public_address(text: str) -> bool:
    """True only for an address on the public Internet that embeds no other.

    Refuses private, loopback, link-local, CGNAT (100.64.0.0/10, where some
    clouds put their metadata service), documentation, multicast and
    reserved ranges, IPv6 site-local ``fec0::/10`` and unique-local, Teredo,
    and any IPv6 form that carries an IPv4 address (IPv4-mapped, NAT64,
    6to4 ``2002::/16``) unless that IPv4 address is itself public.
    """
    try:
        addr = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address):
        for net in _EMBEDDING_V4:
            if addr in net:
                return is_public_address(str(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)))
        if addr in _SIXTOFOUR:
            embedded = addr.sixtofour
            return embedded is not None and is_public_address(str(embedded))
        if addr.is_site_local:
            return False
    if any(addr in net for net in BLOCKED_NETWORKS if net.version == addr.version):
        return False
    if addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved \
            or addr.is_multicast or addr.is_unspecified:
        return False
    return addr.is_global


def checked_address(host: str, port: int, url: str) -> str:
    """Resolve ``host`` once; every address must be public; the first is the one used.

    The connection goes to exactly this address (see :func:`pinned_connection`),
    so a name that resolves to a public address for the check and to a
    private one for the connection (DNS rebinding) reaches nothing.
    """
    if not host:
        raise ResourceError(f"refused {url!r}: no host name")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ResourceError(f"could not resolve {url!r}: {exc}") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses or not all(is_public_address(a) for a in addresses):
        raise ResourceError(f"refused {url!r}: it points to a private or local address")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a fixed address; ``Host`` still names the server."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._create_connection = self._connect_pinned

    def _connect_pinned(self, _where: tuple[str, int], timeout: float,
                        source: tuple[str, int] | None = None) -> socket.socket:
        return socket.create_connection((self._address, self.port), timeout, source)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed address; SNI and certificate checks use the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address
        self._create_connection = self._connect_pinned

    def _connect_pinned(self, _where: tuple[str, int], timeout: float,
                        source: tuple[str, int] | None = None) -> socket.socket:
        return socket.create_connection((self._address, self.port), timeout, source)


def pinned_connection(scheme: str, host: str, port: int, address: str,
                      timeout: float) -> http.client.HTTPConnection:
    """A connection for ``host`` that can only ever reach ``address``."""
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    return cls(host, port, address, timeout)


def _shutdown(conn: http.client.HTTPConnection) -> None:
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


# --- local files -----------------------------------------------------------------------

_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular_file(path: Path, max_bytes: int, *, follow: bool = True) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``.

    The one rule for every local file this tool reads, inputs and pictures
    alike. The file is opened non-blocking (opening a FIFO does not wait for
    a writer) and the opened descriptor is checked with ``fstat`` (no race
    between a check and the open): FIFOs, devices and sockets are refused,
    and at most ``max_bytes + 1`` bytes are ever read (``/dev/zero`` or a
    growing file cannot exhaust memory). ``follow=False`` refuses a symlink
    as the last component (the gate passes an already resolved path).
    Raises :class:`ResourceError` with a message that does not name the file
    (callers add the name as they spell it).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ResourceError("not found") from None
    except IsADirectoryError:
        raise ResourceError("is a folder, not a file") from None
    except PermissionError:
        raise ResourceError("permission denied") from None
    except OSError as exc:
        raise ResourceError(f"cannot be opened ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ResourceError(f"is {_kind(info.st_mode)}; only regular files are read")
        if info.st_size > max_bytes:
            raise ResourceError(f"is {info.st_size} bytes, over the {max_bytes}-byte limit")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise ResourceError(f"is over the {max_bytes}-byte limit")
        return b"".join(chunks)
    except OSError as exc:
        raise ResourceError(f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def folder_refusal(path: Path, root: Path) -> str | None:
    """Why a file found by walking folder ``root`` must not be read, or None.

    The folder rule for inputs: a file found inside a folder the user named
    must really be there -- not a symlink to a file elsewhere (that would
    publish any local file the run can read) -- and must be a regular file.
    Only ``stat`` is used; nothing is opened.
    """
    try:
        resolved = path.resolve()
        info = resolved.stat()
    except (OSError, RuntimeError) as exc:
        return f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    real_root = root.resolve()
    if not (resolved == real_root or resolved.is_relative_to(real_root)):
        return f"refused: it is a symlink to a file outside the folder {str(root)!r}"
    if not stat.S_ISREG(info.st_mode):
        return f"refused: it is {_kind(info.st_mode)}; only regular files are read"
    return None


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


_TRUNCATION_LOCK = threading.Lock()


def inspect_image(res: Resource) -> ImageInfo:
    """Identify an image by its content and decode it once with Pillow.

    The type and extension come from what Pillow recognises, never from the
    file name or a server's ``Content-Type`` (a BMP named ``photo.html`` is
    ``image/bmp``). The pixels are decoded with truncated images refused, so
    a cut-off PNG or JPEG fails here, naming the field, instead of being
    published with a grey band. SVG is recognised by its root element; what
    is published of it is decided by :mod:`exporter.resources.media`.
    """
    head = res.data[:512].lstrip()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in res.data[:2048]):
        return ImageInfo(res, "image/svg+xml", ".svg", 0, 0, "SVG")
    import warnings

    from PIL import Image as PILImage
    from PIL import ImageFile

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(res.data)) as im:
                width, height = im.size
                fmt = im.format or ""
                if width * height > MAX_IMAGE_PIXELS:
                    raise ResourceError(f"{res.ref!r} is {width}x{height} pixels, over the "
                                        f"{MAX_IMAGE_PIXELS}-pixel limit")
                # WeasyPrint sets this global to True when it is imported.
                with _TRUNCATION_LOCK:
                    saved = ImageFile.LOAD_TRUNCATED_IMAGES
                    ImageFile.LOAD_TRUNCATED_IMAGES = False
                    try:
                        im.load()
                    except OSError as exc:
                        # Truncated: refused. Any other decoder complaint (a bad
                        # zlib checksum after complete pixels) is tolerated for the
                        # formats published as they are, as browsers do; the others
                        # must be re-encoded, so they must decode.
                        if "truncated" in str(exc) or fmt not in _IMAGE_TYPES:
                            raise
                    finally:
                        ImageFile.LOAD_TRUNCATED_IMAGES = saved
    except ResourceError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ResourceError(f"{res.ref!r} has too many pixels (decompression-bomb guard)") from None
    except OSError as exc:
        if "truncated" in str(exc):
            raise ResourceError(f"{res.ref!r} is truncated (the file ends before its last "
                                "pixels)") from None
        raise ResourceError(f"{res.ref!r} is not an image this tool can read") from None
    except Exception:
        raise ResourceError(f"{res.ref!r} is not an image this tool can read") from None
    if fmt in _IMAGE_TYPES:
        media_type, ext = _IMAGE_TYPES[fmt]
    else:
        media_type = PILImage.MIME.get(fmt, "application/octet-stream")
        ext = next((e for e, f in sorted(PILImage.registered_extensions().items()) if f == fmt),
                   ".bin")
    return ImageInfo(res, media_type, ext, width, height, fmt)


def _no_pictures(block: Any) -> tuple[tuple[str, ArticleImage], ...]:
    return ()


def _figure_picture(block: Any) -> tuple[tuple[str, ArticleImage], ...]:
    return (("image", block.image),)


#: the pictures each kind of block shows, as (field under ``body[i]``, image): a new
#: block kind must say whether it has one, or its picture would skip the gate's checks
BLOCK_PICTURES = RuleTable("pictures of a block", BLOCK_KINDS, {
    "paragraph": _no_pictures, "heading": _no_pictures, "quote": _no_pictures,
    "list": _no_pictures, "figure": _figure_picture,
})


def image_fields(article: Article) -> list[tuple[str, ArticleImage]]:
    """Every picture of an article with its field path, in reading order.

    Raises :class:`~exporter.errors.RenderError` for a block of a kind the
    model does not have (built with ``model_construct``).
    """
    found: list[tuple[str, ArticleImage]] = []
    if article.lead_image is not None:
        found.append(("lead_image", article.lead_image))
    for index, block in enumerate(article.body):
        for name, image in BLOCK_PICTURES.rule_for(block, f"body[{index}]")(block):
            found.append((f"body[{index}].{name}", image))
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
