"""The writer interface: what a format plugin declares and what it receives.

A writer turns validated articles into the bytes of one output file. It is a
small class: a few class attributes say what it is, ``write`` does the work.

A writer **must not** choose output paths (the caller opens the stream and
renames it into place atomically), reach the network, or read files except
through ``options.gate(article)`` -- the resource gate that enforces the
safety defaults. It gets the shared HTML rendering and wording from
``options.renderer`` so every format words captions, credits and bylines the
same way.

Writers are found through the ``exporter.writers`` entry-point group, the
built-ins included. Heavy libraries (WeasyPrint...) are imported inside
``write`` or ``__init__``, never at module import, so listing formats and
``--help`` stay fast.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar

if TYPE_CHECKING:
    from ..model import Article
    from ..rendering import Renderer
    from ..resources import ResourceGate
    from ..style import Style


@dataclass(frozen=True)
class WriteOptions:
    """Everything a writer may use besides the articles themselves."""

    #: the style folder (templates, CSS, reference.docx, fonts)
    style_dir: Path | None = None
    #: extra folders resources may be read from (``--allow-root``)
    allow_roots: tuple[Path, ...] = ()
    #: fetch http(s) resources (size-capped, no redirects, no private addresses)
    allow_remote: bool = False
    #: page size for paged formats: "a4" or "letter"
    paper: str = "a4"
    #: absolute URL the published output folder will be served from (RSS media URLs)
    base_url: str | None = None
    #: title of a multi-article output (EPUB edition, feed)
    title: str | None = None
    #: format-specific settings (``-O key=value`` on the command line)
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def style(self) -> Style:
        from ..style import Style

        return Style(self.style_dir)

    @cached_property
    def renderer(self) -> Renderer:
        from ..rendering import Renderer

        return Renderer.for_style(self.style)

    def gate(self, article: Article) -> ResourceGate:
        """The resource gate for one article: its folder, the style folder, allowed roots."""
        from ..resources import ResourceGate

        return ResourceGate.for_article(article.base_dir, self.style.root,
                                        self.allow_roots, self.allow_remote)

    def __hash__(self) -> int:  # cached_property needs __dict__; keep hashable by identity
        return id(self)


class Writer:
    """Base class of every output format.

    Subclasses set the class attributes and implement :meth:`write`. One
    instance may be reused for many articles in one process, so expensive
    set-up (fonts, parsed stylesheets) belongs on the instance.
    """

    #: the format name used on the command line (``-f name``)
    name: ClassVar[str] = ""
    #: the output file suffix, with the dot
    suffix: ClassVar[str] = ""
    #: IANA media type of the output
    media_type: ClassVar[str] = "application/octet-stream"
    #: one line for ``exporter formats``
    description: ClassVar[str] = ""
    #: modules that must be importable for this writer to work
    requires: ClassVar[tuple[str, ...]] = ()
    #: True if ``write`` can put several articles into one file (an EPUB edition)
    multi_article: ClassVar[bool] = False

    @classmethod
    def disabled_message(cls) -> str | None:
        """Why this writer cannot run here, or None if it can."""
        missing = [m for m in cls.requires if importlib.util.find_spec(m) is None]
        if missing:
            return (f"needs the Python package(s) {', '.join(missing)}; "
                    f"install them with: pip install {' '.join(missing)}")
        return None

    @classmethod
    def enabled(cls) -> bool:
        return cls.disabled_message() is None

    def write(self, articles: Sequence[Article], stream: BinaryIO, options: WriteOptions) -> None:
        """Write ``articles`` (one, unless :attr:`multi_article`) to ``stream``."""
        raise NotImplementedError
