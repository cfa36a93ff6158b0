"""WeasyPrint's URL fetcher, replaced by the shared resource gate.

WeasyPrint's default fetcher reads any local file, follows redirects and
fetches over the network; ``<link rel=attachment>`` would even embed what it
reads into the PDF. :class:`GateFetcher` is handed to every ``HTML`` and
``CSS`` object the PDF writer makes, so WeasyPrint reads nothing the gate
(:mod:`exporter.resources`) does not serve:

- ``data:`` URIs;
- ``file:`` URLs of files inside the article's folder, the style folder and
  folders the user opened with ``--allow-root`` (after resolving ``..`` and
  symlinks);
- ``http(s):`` only with ``--allow-remote``, and then through the gate's own
  fetch (size cap, timeout, no redirects, no private or local addresses).

Everything else is refused. Content pictures are named by their content
(``exporter-image:<sha256><ext>``, see
:func:`exporter.writers.pdf.pdf_image_url`) so no local path reaches the PDF
bytes, and served from what the gate read. They are checked by
:func:`~exporter.resources.load_article_images` before rendering (a refusal
there fails the export, naming the field) and served from those bytes; a
refusal here concerns a decorative resource (a stylesheet ``url()``, a font,
an SVG's sub-resource) and is a warning.
"""

from __future__ import annotations

import logging
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from weasyprint.urls import URLFetcher, URLFetcherResponse

from exporter.errors import ResourceError

if TYPE_CHECKING:
    from exporter.resources import ImageInfo, ResourceGate

log = logging.getLogger("exporter")


class GateFetcher(URLFetcher):
    """A WeasyPrint ``URLFetcher`` that serves only what ``gate`` allows."""

    def __init__(self, gate: ResourceGate, *, source: str, field: str,
                 preloaded: Iterable[ImageInfo] = (),
                 by_url: Mapping[str, ImageInfo] | None = None) -> None:
        # No handlers are used: fetch() below never calls urllib's opener.
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.gate = gate
        self.source = source
        self.field = field
        self._preloaded: dict[Path, ImageInfo] = {}
        for info in preloaded:
            if info.resource.path is not None:
                self._preloaded[info.resource.path.resolve()] = info
        #: content pictures by the URL the page gives them (``exporter-image:<sha256>``)
        self._by_url: dict[str, ImageInfo] = dict(by_url or {})
        #: URLs refused, in order (tests and messages)
        self.refused: list[str] = []
        #: URLs served, in order
        self.served: list[str] = []

    # WeasyPrint calls fetcher(url) or fetcher.fetch(url, headers); both land here.
    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            data, media_type = self._read(url)
        except ResourceError as exc:
            self.refused.append(url)
            log.warning("%s: %s: skipped a decorative resource: %s", self.source, self.field,
                        _short(exc.message))
            raise
        self.served.append(url)
        return URLFetcherResponse(url, body=data, headers={"Content-Type": media_type})

    def _read(self, url: str) -> tuple[bytes, str]:
        named = self._by_url.get(url)
        if named is not None:  # a content picture, read and checked by the gate already
            return named.resource.data, named.media_type
        scheme = self.gate.scheme(url)
        if scheme == "file":
            path = _file_url_path(url)
            if path is not None:
                info = self._preloaded.get(path.resolve())
                if info is not None:
                    return info.resource.data, info.media_type
        resource = self.gate.open(url)
        return resource.data, resource.media_type

    def already_reported(self, message: str) -> bool:
        """Whether a WeasyPrint log message is about a URL this fetcher refused."""
        return any(url in message or _short(url) in message for url in self.refused)


def _file_url_path(url: str) -> Path | None:
    parsed = urllib.parse.urlsplit(url)
    if parsed.netloc not in ("", "localhost"):
        return None
    return Path(urllib.request.url2pathname(parsed.path))


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit] + "..."
