"""The Python API: what CMS scripts and the CLI call.

``load`` turns a file or bytes into a validated :class:`Article`;
``export`` writes it in one or more formats, atomically, and returns the
paths written. Both raise only :class:`exporter.errors.ExporterError`
subclasses for problems with the input or the render.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from exporter.errors import ExporterError, InputError, RenderError, ResourceError, UsageError
from exporter.model import Article
from exporter.output import atomic_write
from exporter.registry import get_registry
from exporter.resources import read_regular_file
from exporter.writers import WriteOptions, Writer

log = logging.getLogger("exporter")

#: inputs larger than this are refused before parsing (untrusted input)
MAX_INPUT_BYTES = 20 * 1024 * 1024


def load(source: str | Path | bytes, format: str | None = None, *,
         origin: str | Path | None = None) -> Article:
    """Read one article from a path, or from bytes (then name ``format``).

    ``format`` is a reader name (``json``, ``markdown``, ...); by default it
    is chosen from the file suffix. ``origin`` names bytes input in messages
    and is the base for relative image paths: image ``src`` values resolve
    against its folder (without it, against the current directory). A dict
    from a CMS needs no reader: use ``Article.from_data(d, source)``.

    Raises :class:`~exporter.errors.InputError` naming the file (and the
    field, e.g. ``body[3].attribution.name``) for unreadable or invalid
    input; :class:`~exporter.errors.UsageError` for an unknown or
    unavailable ``format``, or bytes with neither ``format`` nor ``origin``.
    """
    registry = get_registry()
    if isinstance(source, bytes):
        data = source
        if format is None:
            if origin is None:
                raise UsageError("loading bytes needs format= (e.g. 'json' or 'markdown')")
            reader_cls = registry.reader_for(Path(origin), data)
        else:
            reader_cls = registry.reader_class(format)
        path = Path(origin) if origin is not None else None
    else:
        path = Path(source)
        # The same rule as for pictures (exporter.resources): a regular file,
        # opened without blocking, checked on the open descriptor, read with
        # a cap. A path the caller names is followed if it is a symlink (as
        # cat or pandoc would); folder walks apply the folder rule first.
        try:
            data = read_regular_file(path, MAX_INPUT_BYTES)
        except ResourceError as exc:
            message = {"not found": "no such file",
                       "is a folder, not a file": "is a folder; pass the files inside it",
                       }.get(exc.message, exc.message)
            raise InputError(message, source=path) from None
        reader_cls = registry.reader_class(format) if format else registry.reader_for(path, data)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"input is over the {MAX_INPUT_BYTES}-byte limit", source=origin)
    article = reader_cls().read(data, path)
    return article


def writer(name: str) -> Writer:
    """The process-wide instance of writer ``name`` (instances keep fonts and stylesheets).

    Raises :class:`~exporter.errors.UnknownNameError` (listing the known
    formats) or :class:`~exporter.errors.UnavailableError` (with the reason).
    """
    return get_registry().writer(name)


def output_path(article: Article, fmt: str, out_dir: str | Path) -> Path:
    """Where ``export`` writes ``article`` in format ``fmt``: ``<out>/<id><suffix>``."""
    return Path(out_dir) / f"{article.id}{writer(fmt).suffix}"


def write_one(articles: Sequence[Article], fmt: str, target: Path,
              options: WriteOptions | None = None) -> Path:
    """Render ``articles`` with writer ``fmt`` into ``target``, atomically.

    The writer's declared options are checked before anything is written: a
    bad value is a :class:`~exporter.errors.UsageError` naming the option.
    Keys this writer does not declare are left to the caller (the batch runs
    several formats on one ``extra``): :func:`export`, the batch and the CLI
    refuse the keys no writer of the run declares.
    """
    options = options or WriteOptions()
    w = writer(fmt)
    if len(articles) > 1 and not w.multi_article:
        raise UsageError(f"format {fmt!r} writes one article per file")
    w.settings(options)  # bad values fail here, before a byte is written
    try:
        # Files a writer references next to its output (RSS media/...), written first.
        for relpath, data in getattr(w, "companion_files", lambda *_: [])(articles, options):
            if Path(relpath).is_absolute() or ".." in Path(relpath).parts:
                raise RenderError(f"{fmt} writer named a file outside the output folder: {relpath}")
            with atomic_write(target.parent / relpath, skip_if_same=True) as stream:
                stream.write(data)
        with atomic_write(target) as stream:
            w.write(articles, stream, options)
    except ExporterError as exc:
        if len(articles) == 1 and articles[0].origin is not None:
            exc.with_source(articles[0].origin)
        raise
    except Exception as exc:  # a writer bug or a library failure: name what failed
        where = articles[0].origin if len(articles) == 1 else target
        raise RenderError(f"{fmt} writer failed: {type(exc).__name__}: {exc}",
                          source=where) from exc
    return target


def check_options(formats: Sequence[str], options: WriteOptions | None) -> None:
    """Refuse ``options.extra`` keys no writer of ``formats`` declares, and bad values.

    Raises :class:`~exporter.errors.UsageError` naming the format and its
    known options, e.g. ``pdf: unknown option 'colums'; known options:
    columns, paper`` (and the unknown-format errors of :func:`writer`).
    """
    from exporter.writers.options import check_extra

    if options is not None:
        check_extra(options.extra, [get_registry().writer_class(fmt) for fmt in formats])


def export(article: Article, formats: str | Iterable[str], out_dir: str | Path = "dist",
           options: WriteOptions | None = None) -> list[Path]:
    """Write ``article`` in each of ``formats`` to ``<out_dir>/<id><suffix>``.

    ``formats`` is one writer name or several (``"pdf"``, ``["pdf", "epub"]``;
    ``exporter formats`` lists them, plugins included). ``options`` carries the
    style folder, allowed resource roots, paper size, ``base_url`` and
    format-specific ``extra`` settings (default: house style, A4, article
    folder only, no network). Each file is written atomically.

    Returns the paths written, in the order of ``formats``. Stops at the first
    failing format and raises it; outputs already written stay (each is
    complete). Raises :class:`~exporter.errors.UsageError` subclasses for an
    unknown or unavailable format, :class:`~exporter.errors.ResourceError`
    (an :class:`~exporter.errors.InputError`) for a refused or unreadable
    image, naming the article file and field, and
    :class:`~exporter.errors.RenderError` when a writer fails. Unknown
    ``extra`` keys and bad values are refused before the first format is
    written (:func:`check_options`).
    """
    names = [formats] if isinstance(formats, str) else list(formats)
    check_options(names, options)
    paths: list[Path] = []
    for fmt in names:
        paths.append(write_one([article], fmt, output_path(article, fmt, out_dir), options))
    return paths
