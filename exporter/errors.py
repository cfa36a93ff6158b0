"""The exception hierarchy every part of exporter raises.

CMS scripts catch :class:`ExporterError` to handle anything this package
reports on purpose; everything else is a bug. Each error renders as one line
that names the file and, where there is one, the field -- the CLI prints that
line and nothing more (``--debug`` shows the traceback)::

    ExporterError               .source (file), .field (e.g. "lead_image.src"), .message
    ├── InputError              this input is unreadable or not a valid article
    │   └── ResourceError       an image or other resource was refused or unreadable
    ├── RenderError             a writer failed on a valid article
    └── UsageError              a format, reader or option that does not exist or is invalid
        ├── UnknownNameError    unknown format / reader; .known lists the known names
        └── UnavailableError    the format exists but cannot run here; says why

A batch script catches :class:`InputError` (and :class:`RenderError`) per
article and carries on; a :class:`UsageError` is a mistake in the script.
"""

from __future__ import annotations

from pathlib import Path


class ExporterError(Exception):
    """Base of every error exporter raises on purpose."""

    def __init__(self, message: str, *, source: str | Path | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: the input file (or other origin) the error is about, if any
        self.source = str(source) if source is not None else None
        #: the field path inside the article, e.g. ``body[3].attribution.name``
        self.field = field

    def __str__(self) -> str:
        parts = []
        if self.source:
            parts.append(self.source)
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)

    def with_source(self, source: str | Path) -> ExporterError:
        """Return this error attributed to ``source`` unless it already names one."""
        if self.source is None:
            self.source = str(source)
        return self


class InputError(ExporterError):
    """The input is unreadable or does not describe a valid article."""


class ResourceError(InputError):
    """An image, stylesheet or other resource was refused or could not be read."""


class RenderError(ExporterError):
    """A writer failed to produce its output from a valid article."""


class UsageError(ExporterError):
    """The caller asked for something that does not exist (format, option...)."""


class UnknownNameError(UsageError, LookupError):
    """A reader or writer name that the registry does not know."""

    def __init__(self, kind: str, name: str, known: list[str]) -> None:
        listed = ", ".join(sorted(known)) or "(none)"
        super().__init__(f"unknown {kind} {name!r}; known {kind}s: {listed}")
        self.kind = kind
        self.name = name
        self.known = sorted(known)


class UnavailableError(UsageError):
    """A writer or reader exists but an optional dependency is missing."""
