"""The writer interface: what a format plugin declares and what it receives.

A writer turns validated articles into the bytes of one output file. It is a
small class: a few class attributes say what it is, ``write`` does the work::

    from exporter.rendering import byline_text, caption_text
    from exporter.writers import Writer, WriteOptions

    class PlaintextWriter(Writer):
        name = "plaintext"               # -f plaintext; equals the entry-point name
        suffix = ".txt"                  # output file: <out>/<article id>.txt
        media_type = "text/plain"
        description = "plain text, 72 columns"

        def write(self, articles, stream, options: WriteOptions) -> None:
            (article,) = articles        # one article unless multi_article = True
            lines = [article.headline, byline_text(article.bylines)]
            if article.lead_image:
                lines.append(caption_text(article.lead_image))
            stream.write("\n".join(lines).encode("utf-8"))

and is registered under the ``exporter.writers`` entry-point group (the
built-ins are registered the same way; see :mod:`exporter.registry`).

**What a writer declares**: ``name``, ``suffix``, ``media_type``,
``description``, ``requires`` (optional modules it needs), ``multi_article``,
and ``options``: the format-specific settings it reads, as
:class:`~exporter.writers.options.Option` declarations (name, type, default,
help, choices). ``-O key=value`` keys no writer of a run declares are refused
before anything renders; a writer reads typed values with
``self.settings(options)["key"]``.

**What it receives**: validated, immutable :class:`~exporter.model.Article`
objects (never raw input: no re-validation needed), a binary stream, and
:class:`WriteOptions` -- the shared rendering (``options.renderer``: the ONE
HTML of an article, for HTML-based formats), the resource gate
(``options.gate(article)``: the only way to read an image or any other file),
the style folder (``options.style``) and settings (``paper``, ``base_url``,
``title``; ``extra``, the raw ``-O key=value`` strings, read through
:meth:`Writer.settings`). Formats that cannot use HTML
word every field with the functions of :mod:`exporter.rendering`
(``byline_text``, ``caption_text``, ``attribution_text``, ``format_date``,
``inline_text``, ``sorted_corrections``, ``labels``), so captions, credits,
bylines and dates read the same in every format.

**What it must not do**: choose or open output paths (the caller owns paths
and renames the finished file into place atomically; files the output links
to, like RSS media, are returned by :meth:`Writer.companion_files` and
written by the caller), reach the network or
read files except through the gate, rewrite the text (no smart quotes, no
case changes), mutate the articles, or print. Problems are raised as
exceptions from :mod:`exporter.errors`: let the gate's
:class:`~exporter.errors.ResourceError` through, raise
:class:`~exporter.errors.UsageError` for a bad setting and
:class:`~exporter.errors.RenderError` when the format cannot be produced
(any other exception is reported as a writer bug). Warnings go to
``logging.getLogger("exporter")``.

Heavy libraries (WeasyPrint...) are imported inside ``write`` or
``__init__``, never at module import, so listing formats and ``--help`` stay
fast.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar

from exporter.writers.options import Option

if TYPE_CHECKING:
    from exporter.model import Article
    from exporter.rendering import Renderer
    from exporter.rendering.style import Style
    from exporter.resources import ResourceGate


@dataclass(frozen=True)
class WriteOptions:
    """Everything a writer may use besides the articles themselves.

    Built by the caller (the CLI from its flags, or a script); frozen. A
    writer reads the settings it understands and ignores the rest.
    """

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
    #: format-specific settings, as given (``-O key=value`` on the command line); writers
    #: declare the keys they read (``Writer.options``) and read them with ``Writer.settings``
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def style(self) -> Style:
        """The house style layered under ``style_dir``: templates, CSS, fonts."""
        from exporter.rendering.style import Style

        return Style(self.style_dir)

    @cached_property
    def renderer(self) -> Renderer:
        """The shared rendering for this style: ``article_html`` / ``page_html``."""
        from exporter.rendering import Renderer

        return Renderer.for_style(self.style)

    def gate(self, article: Article) -> ResourceGate:
        """The resource gate for one article: its folder, the style folder, allowed roots.

        Every image or other file a writer embeds is read through it
        (``gate.open(ref)``, ``gate.image(ref)``, or
        :func:`exporter.resources.load_article_images`); it refuses traversal,
        other folders and the network unless the user allowed them.
        """
        from exporter.resources import ResourceGate

        return ResourceGate.for_article(article.base_dir, self.style.root,
                                        self.allow_roots, self.allow_remote)

    def __hash__(self) -> int:  # cached_property needs __dict__; keep hashable by identity
        return id(self)


class Writer:
    """Base class of every output format.

    Subclasses set the class attributes and implement :meth:`write`. The
    constructor takes no arguments. One instance is reused for many articles
    in one process (see :meth:`exporter.registry.Registry.writer`), so
    expensive set-up (fonts, parsed stylesheets) belongs on the instance --
    but per-article state must not leak from one ``write`` to the next.
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
    #: the ``-O key=value`` settings this writer reads (``exporter formats --options``)
    options: ClassVar[tuple[Option, ...]] = ()

    @classmethod
    def disabled_message(cls) -> str | None:
        """Why this writer cannot run here, or None if it can.

        Checks :attr:`requires`; override (calling ``super()``) to check more,
        e.g. an external program. Must be cheap and must not raise.
        """
        missing = [m for m in cls.requires if importlib.util.find_spec(m) is None]
        if missing:
            return (f"needs the Python package(s) {', '.join(missing)}; "
                    f"install them with: pip install {' '.join(missing)}")
        return None

    @classmethod
    def enabled(cls) -> bool:
        return cls.disabled_message() is None

    def settings(self, options: WriteOptions) -> dict[str, Any]:
        """This writer's declared :attr:`options`, typed: the value given, else the default.

        Raises :class:`~exporter.errors.UsageError` naming the option for a
        bad value (callers check before rendering, so a writer rarely sees it).
        """
        from exporter.writers.options import resolve

        return resolve(type(self), options.extra)

    def write(self, articles: Sequence[Article], stream: BinaryIO, options: WriteOptions) -> None:
        """Write ``articles`` (one, unless :attr:`multi_article`) to ``stream``.

        ``stream`` is a binary file opened by the caller on a temporary file;
        write the complete output to it and return (do not close it). Raising
        leaves the previous output untouched.
        """
        raise NotImplementedError

    def companion_files(self, articles: Sequence[Article], options: WriteOptions
                        ) -> Iterable[tuple[str, bytes]]:
        """Files the output refers to, to publish next to it (RSS ``media/...``).

        Pairs of (path relative to the output folder, bytes); the caller
        refuses absolute paths and ``..``, and writes each atomically before
        the output itself. The writer still never opens a path. Default: none.
        """
        return ()
