"""Helpers for testing writers and readers: exporter's own and third-party plugins'.

A plugin's test suite can check the consistency contract in a few lines::

    import pytest
    from exporter.testing import check_contract_text, fixture_articles, run_writer

    @pytest.mark.parametrize("article", fixture_articles(), ids=lambda a: a.id)
    def test_contract(article, tmp_path):
        path = run_writer("plaintext", article, tmp_path)      # or the class itself
        assert check_contract_text(article, path.read_text("utf-8")) == []

The sample articles ship inside the package (``exporter/samples``), so these
helpers work from an installed wheel, outside exporter's source tree. They
use only the public model and rendering, and do not need pytest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.output import atomic_write
from exporter.writers import WriteOptions, Writer

if TYPE_CHECKING:
    from exporter.model import Article

__all__ = [
    "SAMPLES_DIR",
    "SAMPLE_NAMES",
    "check_contract_text",
    "check_writer_class",
    "contract_fields",
    "fixture_articles",
    "load_sample",
    "normalise_text",
    "plugin_distribution",
    "run_writer",
    "sample_path",
]

#: the shipped sample articles, one folder each (``article.json`` + its images)
_INSTALLED_SAMPLES = Path(__file__).resolve().parent / "samples"
#: in a source checkout the one copy is ``examples/`` (the wheel ships it as ``exporter/samples``)
SAMPLES_DIR = (_INSTALLED_SAMPLES if _INSTALLED_SAMPLES.is_dir()
               else Path(__file__).resolve().parent.parent / "examples")
#: English news with a lead photo; English with bylines, headings, quotes, a figure,
#: a list and a correction; Arabic (right-to-left) with a shorthand quote attribution
SAMPLE_NAMES: tuple[str, ...] = ("deconflict", "tram-line", "rtl-arabic")

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# --- sample articles ------------------------------------------------------------------


def sample_path(name: str) -> Path:
    """The ``article.json`` of sample ``name`` (one of :data:`SAMPLE_NAMES`)."""
    if name not in SAMPLE_NAMES:
        raise KeyError(f"unknown sample {name!r}; samples: {', '.join(SAMPLE_NAMES)}")
    return SAMPLES_DIR / name / "article.json"


def load_sample(name: str) -> Article:
    """The validated :class:`~exporter.model.Article` of sample ``name``.

    Its images resolve relative to the sample folder, so writers that embed
    pictures work through the resource gate as in production.
    """
    from exporter.api import load

    return load(sample_path(name))


def fixture_articles(names: Sequence[str] | None = None) -> list[Article]:
    """The shipped sample articles (all of them by default), in a stable order.

    Handy for ``pytest.mark.parametrize("article", fixture_articles(), ids=lambda a: a.id)``.
    """
    return [load_sample(name) for name in (names or SAMPLE_NAMES)]


# --- running a writer -------------------------------------------------------------------


def check_writer_class(cls: type) -> list[str]:
    """What is wrong with a writer class's declarations; an empty list if nothing.

    Checks what the registry and the CLI rely on: a :class:`Writer` subclass
    with a lower-case ``name``, a ``suffix`` starting with a dot, a media
    type, a one-line ``description``, ``write`` implemented, and a
    constructor that takes no arguments.
    """
    if not (isinstance(cls, type) and issubclass(cls, Writer)):
        return [f"{cls!r} is not a subclass of exporter.writers.Writer"]
    problems: list[str] = []
    if not (isinstance(cls.name, str) and _NAME_RE.match(cls.name)):
        problems.append(f"name {cls.name!r} must be lower-case letters, digits, '-' or '_'")
    suffix = cls.suffix
    if not (isinstance(suffix, str) and suffix.startswith(".") and len(suffix) > 1
            and "/" not in suffix and not any(c.isspace() for c in suffix)):
        problems.append(f"suffix {suffix!r} must be a file suffix such as '.txt'")
    if not (isinstance(cls.media_type, str) and "/" in cls.media_type):
        problems.append(f"media_type {cls.media_type!r} is not a media type such as 'text/plain'")
    if not (isinstance(cls.description, str) and cls.description.strip()
            and "\n" not in cls.description):
        problems.append("description must be one non-empty line (`exporter formats` shows it)")
    if not (isinstance(cls.requires, tuple) and all(isinstance(m, str) for m in cls.requires)):
        problems.append("requires must be a tuple of module names")
    problems += _option_problems(cls)
    if cls.write is Writer.write:
        problems.append("write() is not implemented")
    try:
        cls()
    except Exception as exc:
        problems.append(f"cannot be constructed without arguments: {type(exc).__name__}: {exc}")
    return problems


def _option_problems(cls: type[Writer]) -> list[str]:
    """What is wrong with ``options``: a tuple of distinct ``Option`` whose defaults are allowed."""
    from exporter.writers.options import Option

    declared = cls.options
    if not (isinstance(declared, tuple) and all(isinstance(o, Option) for o in declared)):
        return ["options must be a tuple of exporter.writers.Option declarations"]
    problems: list[str] = []
    names = [o.name for o in declared]
    if len(set(names)) != len(names) or any("." in n or "=" in n or not n for n in names):
        problems.append(f"option names must be distinct, non-empty, without '.' or '=': {names}")
    for option in declared:
        if option.choices is not None and option.default is not None \
                and option.default not in option.choices:
            problems.append(f"option {option.name!r}: default {option.default!r} is not one of "
                            "its choices")
    return problems


def run_writer(writer: str | type[Writer] | Writer, article: Article | Sequence[Article],
               tmp_path: str | Path, **options: Any) -> Path:
    """Run a writer as the CLI does and return the file it produced.

    ``writer`` is a registered format name, a writer class or an instance.
    The output is written atomically to ``<tmp_path>/<id><suffix>`` (the first
    article's id). ``options`` that are :class:`WriteOptions` fields
    (``paper="letter"``, ``base_url=...``, ``style_dir=...``) set those; any
    other keyword goes into ``options.extra`` as ``-O key=value`` would, and
    is checked against the writer's declared ``options`` first (a
    :class:`~exporter.errors.UsageError` for an unknown key or a bad value).

    Files the writer declares with ``companion_files`` (RSS media) are
    written next to the output first, as the CLI does.

    Raises ``AssertionError`` if the class's declarations are invalid, if the
    writer wrote nothing, or if it created other files in ``tmp_path``
    (writers must not choose paths). The writer's own exceptions
    propagate unchanged, so a test sees the real traceback.
    """
    from exporter.model import Article

    if isinstance(writer, str):
        from exporter.registry import get_registry

        instance = get_registry().writer_class(writer)()
    elif isinstance(writer, type):
        problems = check_writer_class(writer)
        if problems:
            raise AssertionError(f"{writer.__qualname__}: " + "; ".join(problems))
        instance = writer()
    else:
        instance = writer
    articles = [article] if isinstance(article, Article) else list(article)
    if not articles:
        raise ValueError("run_writer needs at least one article")

    known = {f.name for f in dataclasses.fields(WriteOptions)}
    settings = {k: v for k, v in options.items() if k in known and k != "extra"}
    extra = dict(options.get("extra") or {})
    extra.update({k: v for k, v in options.items() if k not in known})
    write_options = WriteOptions(**settings, extra=extra)
    from exporter.writers.options import check_extra

    check_extra(extra, [instance])  # as the CLI does: unknown keys and bad values refused

    folder = Path(tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{articles[0].id}{instance.suffix}"
    before = {p for p in folder.rglob("*") if p != target}
    companions: set[Path] = set()
    for relpath, data in instance.companion_files(articles, write_options):
        if Path(relpath).is_absolute() or ".." in Path(relpath).parts:
            raise AssertionError(f"writer {instance.name!r} named a companion file outside "
                                 f"the output folder: {relpath}")
        with atomic_write(folder / relpath) as stream:
            stream.write(data)
        companions.update(folder / part for part in (Path(relpath), *Path(relpath).parents))
    with atomic_write(target) as stream:
        instance.write(articles, stream, write_options)
    strays = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                    if p != target and p not in before and p not in companions)
    if strays:
        raise AssertionError(f"writer {instance.name!r} created files besides its output "
                             f"stream (writers must not choose paths): {', '.join(strays)}")
    if target.stat().st_size == 0:
        raise AssertionError(f"writer {instance.name!r} wrote nothing")
    return target


# --- the consistency contract ---------------------------------------------------------


def normalise_text(text: str) -> str:
    """Text as the contract compares it: NFC, soft hyphens dropped, white space collapsed.

    Line wrapping, indentation and hard breaks therefore do not matter; the
    words, their order, punctuation and case do.
    """
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return " ".join(text.split())


def contract_fields(article: Article, *, wording: bool = True) -> list[tuple[str, str]]:
    """Every ``(field, text)`` an output showing the whole article must contain.

    The headline, standfirst, each byline name, each picture's caption and
    credit, each quote's attribution name, and the text of the body (every
    paragraph, heading, quote and list item). With ``wording`` (the default),
    also the shared wording of :mod:`exporter.rendering`: the byline line
    (:func:`~exporter.rendering.byline_text`), each ``caption (credit)``
    (:func:`~exporter.rendering.caption_text`) and each ``— Name, role``
    (:func:`~exporter.rendering.attribution_text`), so a format that words a
    field its own way is caught.
    """
    from exporter.dispatch import BLOCK_KINDS, unknown_kind
    from exporter.rendering import attribution_text, byline_text, caption_text, inline_text
    from exporter.resources import image_fields

    fields: list[tuple[str, str]] = [("headline", article.headline)]
    if article.standfirst:
        fields.append(("standfirst", article.standfirst))
    for i, person in enumerate(article.bylines):
        fields.append((f"bylines[{i}].name", person.name))
    if wording and article.bylines:
        fields.append(("bylines (byline_text)", byline_text(article.bylines)))
    for path, image in image_fields(article):
        if image.caption:
            fields.append((f"{path}.caption", image.caption))
        if image.credit:
            fields.append((f"{path}.credit", image.credit))
        if wording and image.caption and image.credit:
            fields.append((f"{path} (caption_text)", caption_text(image)))
    for i, block in enumerate(article.body):
        if block.type in ("paragraph", "heading"):
            fields.append((f"body[{i}].content", inline_text(block.content)))
        elif block.type == "quote":
            fields.append((f"body[{i}].content", inline_text(block.content)))
            if block.attribution is not None:
                fields.append((f"body[{i}].attribution.name", block.attribution.name))
                if wording:
                    fields.append((f"body[{i}].attribution (attribution_text)",
                                   attribution_text(block.attribution)))
        elif block.type == "list":
            for j, item in enumerate(block.items):
                fields.append((f"body[{i}].items[{j}]", inline_text(item)))
        elif block.type != "figure":  # a figure's caption and credit came with the images
            raise unknown_kind("contract fields", block, BLOCK_KINDS, f"body[{i}]")
    return [(name, text) for name, text in fields if normalise_text(text)]


def check_contract_text(article: Article, text: str, *, wording: bool = True) -> list[str]:
    """The contract fields of ``article`` missing from an output's ``text``.

    ``text`` is what a reader of the output sees (a plain-text file, text
    extracted from a PDF or DOCX...). Both sides are compared after
    :func:`normalise_text`. Returns one ``"field: 'expected text'"`` entry per
    missing field -- an empty list means the output carries everything, so
    tests can ``assert check_contract_text(article, text) == []``. See
    :func:`contract_fields` for what is checked.
    """
    haystack = normalise_text(text)
    missing: list[str] = []
    for name, expected in contract_fields(article, wording=wording):
        wanted = normalise_text(expected)
        if wanted not in haystack:
            shown = wanted if len(wanted) <= 80 else wanted[:77] + "..."
            missing.append(f"{name}: {shown!r}")
    return missing


# --- plugins without installing them --------------------------------------------------


@contextlib.contextmanager
def plugin_distribution(folder: str | Path, name: str,
                        entry_points: Mapping[str, Mapping[str, str]],
                        modules: Mapping[str, str] | None = None,
                        version: str = "0.0.0") -> Iterator[Path]:
    """Make a plugin distribution visible to this process, for the ``with`` block.

    Writes a minimal installed distribution -- ``<name>-<version>.dist-info``
    with ``METADATA`` and ``entry_points.txt`` -- plus the given ``modules``
    (``{"module_name": "source code"}``) into a new folder under ``folder``,
    puts that folder on ``sys.path`` and resets the registry, so exporter
    discovers the plugin through the real entry-point machinery, exactly as
    if it were pip-installed. On exit the folder leaves ``sys.path``, the
    modules leave ``sys.modules`` and the registry is reset again.

    ``entry_points`` maps a group to ``{entry-point name: "module:attr"}``::

        with plugin_distribution(tmp_path, "my-plugin",
                                 {"exporter.writers": {"mine": "my_mod:MyWriter"}},
                                 {"my_mod": MY_WRITER_SOURCE}):
            assert "mine" in get_registry().writers

    Yields the folder added to ``sys.path``.
    """
    from exporter.registry import reset_registry

    site = Path(folder) / f"site-{name}"
    dist_info = site / f"{re.sub(r'[^A-Za-z0-9.]+', '_', name)}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    sections = []
    for group, table in entry_points.items():
        lines = [f"[{group}]"] + [f"{key} = {value}" for key, value in table.items()]
        sections.append("\n".join(lines))
    (dist_info / "entry_points.txt").write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    for module, source in (modules or {}).items():
        (site / f"{module.replace('.', '/')}.py").parent.mkdir(parents=True, exist_ok=True)
        (site / f"{module.replace('.', '/')}.py").write_text(source, encoding="utf-8")
    sys.path.insert(0, str(site))
    importlib.invalidate_caches()
    reset_registry()
    try:
        yield site
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(str(site))
        for module in modules or {}:
            sys.modules.pop(module, None)
        importlib.invalidate_caches()
        reset_registry()
