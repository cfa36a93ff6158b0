"""exporter: publish one news article to PDF, DOCX, EPUB, RSS and HTML.

::

    from exporter import load, export
    article = load("story.md")
    paths = export(article, ["pdf", "epub"], out_dir="dist")

The public API: :func:`load`, :func:`export`, :func:`build_feed`, the model
(:class:`Article`; its parts live in :mod:`exporter.model`), the exceptions
(``ExporterError`` -> ``InputError`` (-> ``ResourceError``), ``RenderError``,
``UsageError`` (-> ``UnknownNameError``, ``UnavailableError``)), and the
plugin interfaces :class:`Writer`, :class:`WriteOptions`, :class:`Reader`.
docs/cms.md shows a CMS script; docs/plugins.md how to add a format.

Names are imported lazily so that ``exporter --help`` and plugins that only
need the interfaces do not pay for pydantic, Jinja or WeasyPrint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from exporter.errors import (
    ExporterError,
    InputError,
    RenderError,
    ResourceError,
    UnavailableError,
    UnknownNameError,
    UsageError,
)

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ExporterError",
    "InputError",
    "Reader",
    "RenderError",
    "ResourceError",
    "UnavailableError",
    "UnknownNameError",
    "UsageError",
    "WriteOptions",
    "Writer",
    "__version__",
    "build_feed",
    "export",
    "load",
]

_LAZY = {
    "Article": ("exporter.model", "Article"),
    "load": ("exporter.api", "load"),
    "export": ("exporter.api", "export"),
    "WriteOptions": ("exporter.writers", "WriteOptions"),
    "Writer": ("exporter.writers", "Writer"),
    "Reader": ("exporter.readers", "Reader"),
    "build_feed": ("exporter.feed", "build_feed"),
    "verify": ("exporter.verify", "verify"),
}

if TYPE_CHECKING:
    from exporter.api import export, load
    from exporter.feed import build_feed
    from exporter.model import Article
    from exporter.readers import Reader
    from exporter.writers import WriteOptions, Writer


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        try:
            value = getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError as exc:  # a part not present in this build
            if exc.name != module:
                raise
            raise AttributeError(f"exporter.{name} is not available: no module {module}") from None
        globals()[name] = value
        return value
    raise AttributeError(f"module 'exporter' has no attribute {name!r}")
