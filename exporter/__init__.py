"""exporter: publish one news article to PDF, DOCX, EPUB, RSS and HTML.

::

    from exporter import load, export
    article = load("story.md")
    paths = export(article, ["pdf", "epub"], out_dir="dist")

Names are imported lazily so that ``exporter --help`` and plugins that only
need the interfaces do not pay for pydantic, Jinja or WeasyPrint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
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
    "RenderError",
    "ResourceError",
    "UnavailableError",
    "UnknownNameError",
    "UsageError",
    "WriteOptions",
    "__version__",
    "export",
    "load",
]

_LAZY = {
    "Article": ("exporter.model", "Article"),
    "load": ("exporter.api", "load"),
    "export": ("exporter.api", "export"),
    "WriteOptions": ("exporter.writers", "WriteOptions"),
}

if TYPE_CHECKING:
    from .api import export, load
    from .model import Article
    from .writers import WriteOptions


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'exporter' has no attribute {name!r}")
