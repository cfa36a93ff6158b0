"""Where each picture of an article is published, shared by RSS and ninjs.

A feed item or a ninjs document points at pictures by absolute URL, and
those URLs must resolve once the output folder is published. One plan, used
by every writer that publishes pictures next to its output, guarantees that
the RSS item and the ninjs document of an article name the same files, and
that the files their ``companion_files`` list are exactly those:

* an ``http(s)`` ``src`` is used as it is (never fetched unless remote
  fetching is allowed);
* any other picture is read through the resource gate (refused or broken:
  the article fails, as in every format) and published as
  ``media/<id>-<hash><ext>`` at ``<base_url>media/...``, with the type and
  extension its content has (:func:`exporter.resources.media.publishable`);
* without a base URL a local picture gets no URL (``missing`` says which).

It lives in the writers' base, not in a writer: a writer never imports another.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exporter.model import Article
    from exporter.writers import WriteOptions

#: folder, next to the output, that local pictures are published in
MEDIA_DIR = "media"
_URI_SAFE = "%/:=&?~#+!$,;'@()*[]"


def to_uri(url: str) -> str:
    """An IRI as an ASCII URI (the validator refuses raw non-ASCII and spaces)."""
    return urllib.parse.quote(url.strip(), safe=_URI_SAFE)


def is_absolute_http(url: str | None) -> bool:
    if not url:
        return False
    parts = urllib.parse.urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def base_url_of(base_url: str | None) -> str | None:
    """``base_url`` with a trailing slash, or None; refuses anything but absolute http(s)."""
    if not base_url:
        return None
    if not is_absolute_http(base_url):
        from exporter.errors import UsageError

        raise UsageError(f"base_url {base_url!r} is not an absolute http(s) URL")
    base = to_uri(base_url)
    return base if base.endswith("/") else base + "/"


@dataclass(frozen=True)
class Companion:
    """A file to publish next to the output at ``relpath`` (a picture under ``media/``)."""

    relpath: str
    #: unused (kept for callers): the bytes are always in ``data``,
    #: the checked and, where needed, re-encoded or sanitised picture
    source: Path | None
    data: bytes | None = None

    def read(self) -> bytes:
        return self.data if self.data is not None else Path(self.source or "").read_bytes()


@dataclass
class MediaPlan:
    """How each picture of an article is referenced from a published file."""

    #: ``src`` -> absolute URL, or None when none could be formed
    urls: dict[str, str | None]
    #: ``src`` -> (media type, width, height, byte length) for pictures read through the gate
    facts: dict[str, tuple[str, int, int, int]]
    companions: list[Companion]
    #: field paths of pictures that got no URL (for the warning)
    missing: list[str]


def plan_media(article: Article, options: WriteOptions) -> MediaPlan:
    """Decide every picture's URL; read local ones through the resource gate.

    Raises :class:`~exporter.errors.ResourceError` naming the file and field
    when a picture is refused or unreadable.
    """
    from exporter.errors import ResourceError
    from exporter.resources import ResourceGate, image_fields
    from exporter.resources.media import publishable

    base = base_url_of(options.base_url)
    plan = MediaPlan({}, {}, [], [])
    gate = None
    for path, image in image_fields(article):
        src = image.src
        if src in plan.urls:
            continue
        remote = ResourceGate.scheme(src) in ("http", "https")
        if remote and not options.allow_remote:
            plan.urls[src] = to_uri(src)  # used as it is, never fetched
            continue
        # Every other picture is read and checked, with or without a base URL: a refused
        # or broken picture fails the article here as in every other format.
        gate = gate or options.gate(article)
        try:
            info = gate.image(src, article.base_dir)
        except ResourceError as exc:
            exc.field = f"{path}.src"
            raise exc.with_source(article.origin or "<article>") from None
        if remote or base is None:
            plan.facts[src] = (info.media_type, info.width, info.height, len(info.resource.data))
            plan.urls[src] = to_uri(src) if remote else None
            if not remote:
                plan.missing.append(f"{path}.src")
            continue
        # What is published is decided by the content, never the file name:
        # verified JPEG/PNG/GIF/WebP as they are, other rasters re-encoded to
        # PNG, SVG rebuilt without scripts or outside links (exporter.resources.media).
        try:
            published = publishable(info)
        except ResourceError as exc:
            exc.field = f"{path}.src"
            raise exc.with_source(article.origin or "<article>") from None
        data = published.data
        plan.facts[src] = (published.media_type, info.width, info.height, len(data))
        digest = hashlib.sha256(data).hexdigest()[:16]
        relpath = f"{MEDIA_DIR}/{article.id}-{digest}{published.extension}"
        plan.urls[src] = base + relpath
        plan.companions.append(Companion(relpath, None, data))
    return plan
