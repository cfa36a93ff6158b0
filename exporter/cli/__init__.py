"""The ``exporter`` command line.

The CLI owns output paths and exit codes: 0 all done, 1 some inputs failed
(the rest were still written, each failure named with its file and reason),
2 usage errors. Input problems are one line each, never a traceback
(``--debug`` shows them). Heavy modules are imported inside the commands so
``exporter --help`` stays fast.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from exporter.cli.flags import with_flags
from exporter.errors import ExporterError, UsageError

if TYPE_CHECKING:
    from exporter.registry import Registry
    from exporter.writers import WriteOptions

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_FORMATS = ("pdf", "docx", "epub", "rss", "html")

log = logging.getLogger("exporter")


class _StderrHandler(logging.Handler):
    """Warnings as ``exporter: warning: ...`` lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        level = "warning" if record.levelno >= logging.WARNING else "info"
        click.echo(f"exporter: {level}: {with_flags(record.getMessage())}", err=True)


def _setup_logging(quiet: bool) -> None:
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        log.addHandler(_StderrHandler())
    log.setLevel(logging.ERROR if quiet else logging.WARNING)


class Context:
    """State shared by the commands of one invocation."""

    def __init__(self, debug: bool) -> None:
        self.debug = debug
        self.failures: list[str] = []

    def fail(self, exc: BaseException) -> None:
        """Report one failed input and go on with the rest."""
        if self.debug:
            traceback.print_exception(exc)
        message = str(exc) if isinstance(exc, ExporterError) else f"{type(exc).__name__}: {exc}"
        message = with_flags(message)
        click.echo(f"exporter: error: {message}", err=True)
        self.failures.append(message)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="exporter", prog_name="exporter")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors (for bug reports).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Publish news articles to PDF, DOCX, EPUB, RSS and HTML.

    One canonical article model feeds every format, so the headline, photo
    caption and credit, and every attribution read the same in all of them.
    Inputs: canonical JSON (.json), Markdown with front matter (.md), and any
    reader a plugin adds (see `exporter formats`).

    \b
    Examples:
      exporter export story.md                   # every format into dist/
      exporter export stories/ -f pdf,epub -o out
      exporter parse story.md > story.json       # canonical JSON
      exporter formats                           # what can be read and written

    Exit status: 0 all done, 1 some inputs failed (the rest were written),
    2 usage error.
    """
    ctx.obj = Context(debug)


# --- helpers ---------------------------------------------------------------------


def _split_formats(values: Sequence[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if part and part not in names:
                names.append(part)
    return names


def _parse_extra(values: Sequence[str]) -> dict[str, str]:
    extra: dict[str, str] = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE", param_hint="-O/--option")
        extra[key.strip()] = val
    return extra


def expand_inputs(inputs: Iterable[str], suffixes: set[str], exclude: Path | None = None,
                  refused: Callable[[ExporterError], None] | None = None) -> list[Path]:
    """Files as given; folders walked (sorted) for files a reader takes.

    A file named on the command line is kept as it is (a symlink is followed,
    as ``cat`` would; ``load`` still refuses FIFOs and devices). A file found
    by walking a folder must really be in that folder: a symlink resolving
    outside it, a FIFO, a device or a socket is refused with one line naming
    it (passed to ``refused``, a warning without one) and left out, so a
    folder of articles cannot publish ``/etc/passwd`` or hang the run.
    """
    from exporter.errors import InputError
    from exporter.resources import folder_refusal

    found: list[Path] = []
    excluded = exclude.resolve() if exclude is not None else None
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix.lower() not in suffixes or child.is_dir():
                    continue
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if excluded is not None and child.resolve().is_relative_to(excluded):
                    continue
                reason = folder_refusal(child, path)
                if reason is not None:
                    error = InputError(reason, source=child)
                    if refused is not None:
                        refused(error)
                    else:
                        log.warning("%s", error)
                    continue
                found.append(child)
        else:
            found.append(path)
    return found


def _usage_exit(message: str) -> None:
    click.echo(f"exporter: error: {with_flags(message)}", err=True)
    sys.exit(EXIT_USAGE)


def _resolve_formats(formats: Sequence[str]) -> list[str]:
    from exporter.registry import get_registry

    registry = get_registry()
    names = _split_formats(formats)
    if not names:
        names = [n for n in DEFAULT_FORMATS if n in registry.writers]
        available = []
        for name in names:
            try:
                registry.writer_class(name)
                available.append(name)
            except ExporterError as exc:
                log.warning("skipping %s", exc)
        return available
    for name in names:
        try:
            registry.writer_class(name)
        except UsageError as exc:
            _usage_exit(str(exc))
    return names


# --- export ----------------------------------------------------------------------------


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-f", "--format", "formats", multiple=True, metavar="FMT[,FMT]",
              help="Output formats, comma-separated or repeated "
                   f"[default: every available one of {','.join(DEFAULT_FORMATS)}].")
@click.option("-o", "--out", "out_dir", default="dist", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--style", "style_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Style folder overriding the house style (templates, CSS, reference.docx).")
@click.option("--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default="a4",
              show_default=True, help="Page size for PDF.")
@click.option("--allow-root", "allow_roots", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Also allow images and resources from this folder (repeatable).")
@click.option("--allow-remote", is_flag=True,
              help="Fetch http(s) images (size-capped, no redirects, no private addresses).")
@click.option("--base-url", metavar="URL",
              help="URL the output folder is published at (absolute media URLs in RSS).")
@click.option("-O", "--option", "extra", multiple=True, metavar="KEY=VALUE",
              help="Format-specific setting (repeatable; FMT.KEY=VALUE for one format); "
                   "`exporter formats --options` lists them.")
@click.option("--bundle", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="Write all inputs into this one file (an EPUB edition: -f epub).")
@click.option("--title", metavar="TEXT", help="Title of the --bundle file.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Worker processes [default: the number of CPUs]; 1 renders in this "
                   "process (PDF with --timeout: in one worker that can be killed).")
@click.option("--timeout", type=click.FloatRange(min=0), default=120, show_default=True,
              metavar="SECONDS", help="Longest render of one format of one article; then its "
                                      "worker is killed and the batch goes on (0: no limit).")
@click.option("--force", is_flag=True,
              help="Rebuild every output, even those the manifest shows are up to date.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON summary (written, skipped, failed, seconds) on stdout.")
@click.option("--executor", type=click.Choice(["auto", "inline", "process", "dask"]),
              default="auto", show_default=True, help="Where to render (dask: a local cluster "
                                                      "unless --scheduler is given).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Render on this Dask cluster (tcp://host:8786); needs exporter[dask].")
@click.option("--verify", "verify_after", is_flag=True,
              help="Then read the outputs back and check them (as `exporter verify`).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.pass_obj
def export(ctx: Context, inputs: tuple[str, ...], formats: tuple[str, ...], out_dir: Path,
           style_dir: Path | None, paper: str, allow_roots: tuple[Path, ...], allow_remote: bool,
           base_url: str | None, extra: tuple[str, ...], bundle: Path | None, title: str | None,
           jobs: int | None, timeout: float, force: bool, as_json: bool, executor: str,
           scheduler: str | None, verify_after: bool, quiet: bool) -> None:
    """Export articles (files or folders of them) to OUT/<id>.<format>.

    Each output is written to a temporary file and renamed into place, so a
    failure never leaves a half-written file or destroys the previous one.
    One bad input fails alone; the others are still written. Outputs whose
    article, images, style and settings are unchanged are skipped (the
    manifest OUT/.exporter-manifest.json; --force rebuilds).
    """
    _setup_logging(quiet)
    from exporter.writers import WriteOptions

    names = _resolve_formats(formats)
    if not names:
        _usage_exit("no output format is available (see `exporter formats`)")
    options = WriteOptions(style_dir=style_dir, allow_roots=allow_roots,
                           allow_remote=allow_remote, paper=paper.lower(), base_url=base_url,
                           extra=_parse_extra(extra), title=title)
    try:  # an unknown -O key or a bad value: refused before any input is read
        from exporter.api import check_options

        check_options(names, options)
    except UsageError as exc:
        _usage_exit(str(exc))
    if bundle is not None:
        _finish(ctx, run_bundle(ctx, inputs, names, bundle, options, quiet), quiet)
        return
    if title is not None:
        _usage_exit("--title names a --bundle file; it needs --bundle PATH")
    written = run_export(ctx, inputs, names, out_dir, options, quiet, jobs=jobs, timeout=timeout,
                         force=force, as_json=as_json, executor=executor, scheduler=scheduler)
    if verify_after:  # exporter/verify, docs/verify.md
        from exporter.registry import get_registry
        from exporter.verify.report import verify_export

        files = expand_inputs(inputs, get_registry().input_suffixes(), exclude=out_dir,
                              refused=lambda _error: None)  # reported by the export above
        if not verify_export(files, names, out_dir, base_url=base_url, quiet=quiet or as_json):
            ctx.fail(ExporterError("verify: the outputs do not all match their articles"))
    _finish(ctx, written, quiet, skipped=getattr(ctx, "skipped", 0))


def run_bundle(ctx: Context, inputs: Sequence[str], names: Sequence[str], target: Path,
               options: WriteOptions, quiet: bool) -> list[Path]:
    """Load every input (failures reported, the rest kept), then write them into one file."""
    from exporter.api import load, write_one
    from exporter.registry import get_registry

    registry = get_registry()
    if len(names) != 1 or not _multi_article(names[0]):
        multi = [n for n in sorted(registry.writers) if _multi_article(n)]
        _usage_exit(f"--bundle needs one format that writes several articles to one file "
                    f"(-f {' or -f '.join(multi) or '?'})")
    files = expand_inputs(inputs, registry.input_suffixes(), refused=ctx.fail)
    if not files:
        _usage_exit("no input files found in " + ", ".join(inputs))
    articles = []
    for path in files:
        try:
            articles.append(load(path))
        except ExporterError as exc:
            ctx.fail(exc.with_source(path))
        except Exception as exc:  # a reader bug: report it as such, keep going
            ctx.fail(exc)
    if not articles:
        return []
    try:
        write_one(articles, names[0], target, options)
    except Exception as exc:
        ctx.fail(exc)
        return []
    if not quiet:
        click.echo(f"wrote {target} ({len(articles)} articles)")
    return [target]


def _multi_article(name: str) -> bool:
    from exporter.registry import get_registry

    try:
        return get_registry().writer_class(name).multi_article
    except ExporterError:
        return False


def run_export(ctx: Context, inputs: Sequence[str], names: Sequence[str], out_dir: Path,
               options: WriteOptions, quiet: bool, *, jobs: int | None = None,
               timeout: float | None = 120, force: bool = False, as_json: bool = False,
               executor: str = "auto", scheduler: str | None = None) -> list[Path]:
    """Export every input in every format (exporter/batch/: parallel, incremental).

    Failures are recorded in ``ctx``, not raised; ``ctx.skipped`` counts the
    outputs that were already up to date.
    """
    from exporter.batch import run_batch
    from exporter.batch.progress import CliReporter
    from exporter.registry import get_registry

    files = expand_inputs(inputs, get_registry().input_suffixes(), exclude=out_dir,
                          refused=ctx.fail)
    if not files:
        _usage_exit("no input files found in " + ", ".join(inputs))
    reporter = CliReporter(ctx.fail, quiet=quiet, json_summary=as_json)
    try:
        summary = run_batch(files, names, out_dir, options, jobs=jobs, timeout=timeout,
                            force=force, executor=executor, scheduler=scheduler,
                            debug=ctx.debug, reporter=reporter)
    except UsageError as exc:
        _usage_exit(str(exc))
        return []
    ctx.skipped = len(summary.skipped)  # type: ignore[attr-defined]
    if as_json:
        click.echo(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
    return summary.written


def _finish(ctx: Context, written: list[Path], quiet: bool, skipped: int = 0) -> None:
    fresh = f", {skipped} up to date" if skipped else ""
    if ctx.failures:
        click.echo(f"exporter: {len(written)} file(s) written{fresh}, "
                   f"{len(ctx.failures)} failure(s)", err=True)
        sys.exit(EXIT_FAILED)
    if not quiet:
        click.echo(f"exporter: {len(written)} file(s) written{fresh}", err=True)


# --- feed (logic in exporter/feed/ and exporter/feed/config.py; docs/feeds.md) --------


@main.command()
@click.argument("inputs", nargs=-1, metavar="[INPUT]...")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Feed file to write (or 'out' in the config).")
@click.option("--title", help="Feed title.")
@click.option("--link", metavar="URL", help="Absolute URL of the site the feed belongs to.")
@click.option("--description", help="Feed description [default: the title].")
@click.option("--language", metavar="TAG",
              help="Feed language [default: the articles' language when they share one].")
@click.option("--base-url", metavar="URL",
              help="URL the feed's folder is published at (image URLs under media/, self link).")
@click.option("--self-url", metavar="URL", help="URL of the feed itself [default: BASE_URL/FILE].")
@click.option("--format", "format", type=click.Choice(["rss", "atom"], case_sensitive=False),
              help="rss (RSS 2.0) or atom (Atom 1.0) [default: rss].")
@click.option("--limit", type=click.IntRange(min=1), help="Only the newest N articles.")
@click.option("--now", metavar="TIME",
              help="The clock, ISO 8601 with offset [default: the system clock].")
@click.option("--every", metavar="PERIOD",
              help="Keep running, rebuilding every PERIOD (30s, 10m, 1h) and when an embargo lifts.")
@click.option("--lock-timeout", type=click.FloatRange(min=0), metavar="SECONDS",
              help="How long to wait for another run's lock [default: 10]; then exit 75.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Settings file [default: ./exporter.toml, else [tool.exporter] in ./pyproject.toml].")
@click.option("--style", type=click.Path(exists=True, file_okay=False),
              help="Style folder overriding the house style.")
@click.option("--allow-root", "allow_roots", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Also allow images from this folder (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.pass_obj
def feed(ctx: Context, inputs: tuple[str, ...], config_path: Path | None, quiet: bool,
         **flags: object) -> None:
    """Build one RSS 2.0 (or Atom) feed from many articles, newest first.

    Articles dated in the future or under embargo are held back until their
    time; articles without a publication date are left out with a warning.
    A run with nothing new leaves the file untouched. Settings can live in
    exporter.toml or pyproject.toml so a cron line stays short.

    Exit status: 0 written, 1 some articles failed (the feed was still
    written), 2 usage error, 75 another run holds the lock.
    """
    _setup_logging(quiet)
    from exporter.feed.config import run_feed

    try:
        code = run_feed(inputs, flags, config_path,
                        None if quiet else (lambda line: click.echo(line, err=True)), ctx.fail)
    except UsageError as exc:
        _usage_exit(str(exc))
        return
    sys.exit(code)


# --- verify (logic in exporter/verify/; docs/verify.md) ---------------------------------


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--out", "out_dir", default="dist", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder of the outputs.")
@click.option("-f", "--format", "formats", multiple=True, metavar="FMT[,FMT]",
              help="Formats to check [default: pdf,docx,epub,rss].")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--base-url", metavar="URL",
              help="The --base-url the RSS was exported with (then Media RSS is required).")
@click.option("--no-epubcheck", is_flag=True, help="Skip EPUBCheck (reported as not run).")
@click.option("--strict", is_flag=True, help="Also exit 1 when a validator could not run.")
def verify(inputs: tuple[str, ...], out_dir: Path, formats: tuple[str, ...], as_json: bool,
           base_url: str | None, no_epubcheck: bool, strict: bool) -> None:
    """Read the outputs of articles back and check every format shows the same article.

    Prints a table field x format (a check mark, or a cross and the reason) and
    a summary line; exit 0 when every check holds, 1 otherwise.
    """
    _setup_logging(True)
    from exporter.registry import get_registry
    from exporter.verify.report import run_verify

    files = expand_inputs(inputs, get_registry().input_suffixes(), exclude=out_dir)
    if not files:
        _usage_exit("no input files found in " + ", ".join(inputs))
    sys.exit(run_verify(files, out_dir, formats or None, as_json=as_json,
                        epubcheck=not no_epubcheck, base_url=base_url, strict=strict))


# --- parse, formats, schema -----------------------------------------------------------


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--from", "reader", metavar="NAME", help="Reader to use [default: by suffix].")
@click.option("--compact", is_flag=True, help="One line of JSON instead of indented.")
@click.pass_obj
def parse(ctx: Context, input_path: Path, reader: str | None, compact: bool) -> None:
    """Print the canonical JSON of any input (check what a reader understood)."""
    _setup_logging(False)
    from exporter.api import load

    try:
        article = load(input_path, reader)
    except UsageError as exc:
        _usage_exit(str(exc))
        return
    except ExporterError as exc:
        ctx.fail(exc.with_source(input_path))
        sys.exit(EXIT_FAILED)
    click.echo(article.to_json(indent=None if compact else 2))


@main.command()
@click.option("--json", "as_json", is_flag=True,
              help="Machine-readable output (each writer's options included).")
@click.option("--options", "show_options", is_flag=True,
              help="Also list each writer's -O settings: type, default, help.")
def formats(as_json: bool, show_options: bool) -> None:
    """List writers and readers, plugins included, and whether each can run here."""
    _setup_logging(True)
    from exporter.registry import get_registry

    registry = get_registry()
    info = registry.describe()
    for row in info["writers"]:
        row.update(_writer_options(registry, row["name"]))
    if as_json:
        click.echo(json.dumps({**info, "problems": list(registry.problems)}, indent=2))
        return
    for kind, title in (("writers", "Writers (-f)"), ("readers", "Readers")):
        click.echo(f"{title}:")
        for row in info[kind]:
            ext = row.get("suffix") or " ".join(row.get("suffixes") or [])
            origin = "" if row["builtin"] else f"  [plugin: {row['source']}" + (
                f", replaces {row['replaces']}]" if row.get("replaces") else "]")
            state = "" if row["available"] else f"  UNAVAILABLE: {row['reason']}"
            click.echo(f"  {row['name']:<10} {ext:<16} {row.get('description') or ''}{origin}{state}")
            if show_options and kind == "writers":
                for line in _option_lines(row):
                    click.echo(f"      {line}")
    for problem in registry.problems:
        click.echo(f"warning: {problem}")


def _writer_options(registry: Registry, name: str) -> dict[str, object]:
    """``options`` (declarations as data) and ``declares_options`` of one writer row."""
    from exporter.writers.options import declared, declares_options

    # the class as describe() loaded it: a writer missing a dependency still declares options
    cls_ = registry._load(registry.writers[name])
    if cls_ is None:
        return {"options": [], "declares_options": False}
    return {"options": [o.describe() for o in declared(cls_)],
            "declares_options": declares_options(cls_)}


def _option_lines(row: dict[str, Any]) -> list[str]:
    """``-O key=TYPE  help [default: ...; allowed: ...]`` lines for ``formats --options``."""
    if not row.get("declares_options"):
        return ["(declares no options; passes every -O key to the writer)"]
    if not row["options"]:
        return ["(no -O options)"]
    lines = []
    for o in row["options"]:
        notes = [] if o["default"] is None else [f"default: {o['default']}"]
        if o["choices"] is not None:
            notes.append("allowed: " + ", ".join(str(c) for c in o["choices"]))
        note = f" [{'; '.join(notes)}]" if notes else ""
        flag = f"-O {o['name']}={o['type'].upper()}"
        lines.append(f"{flag:<22} {o['help']}{note}")
    return lines


@main.command()
@click.option("--compact", is_flag=True, help="One line of JSON instead of indented.")
def schema(compact: bool) -> None:
    """Print the JSON Schema of the canonical article (generated from the model)."""
    from exporter.model import json_schema

    click.echo(json.dumps(json_schema(), indent=None if compact else 2, ensure_ascii=False))


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit status instead of exiting (for tests and scripts)."""
    try:
        main.main(args=list(argv) if argv is not None else None, prog_name="exporter",
                  standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
