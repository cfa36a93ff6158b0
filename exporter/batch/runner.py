"""Batch export: the job model, the one worker function, and the incremental run.

A :class:`Job` is one article (its input path and, normally, the article the
parent already parsed for the duplicate-id check), the formats still to
write, the output folder and the write options. :func:`run_job` renders it
and returns one :class:`FormatResult` per format: the path written, or a
one-line error. The same function runs in-process, in the local worker
processes (:mod:`exporter.batch.executors`) and on Dask workers.

:func:`run_batch` is what ``exporter export`` calls: it reads every input,
skips outputs the manifest (:mod:`exporter.batch.manifest`) shows are fresh --
without parsing or importing any writer library --, parses the rest, refuses
duplicate ids, sends the jobs to an executor, and records what was written.
One failure never stops the rest; every failure names its file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import statistics
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.batch.worker import CAPTURE, RenderTimeout, capture_warnings, deadline, write_options
from exporter.errors import ExporterError, UsageError

__all__ = ["BatchSummary", "Failure", "FormatResult", "Job", "JobResult", "RenderTimeout",
           "Reporter", "deadline", "run_batch", "run_chunk", "run_job"]

if TYPE_CHECKING:
    from exporter.writers import WriteOptions

log = logging.getLogger("exporter")

#: seconds one format of one article may take to render (``--timeout``); 0 or None: no limit
DEFAULT_TIMEOUT = 120.0


class BatchError(ExporterError):
    """A failure reported by a worker, already formatted as one line."""


@dataclass(frozen=True)
class Job:
    """One article to render in some formats."""

    #: position of the input in the batch (results are matched by it)
    index: int
    #: the input path as the user gave it (used in messages)
    source: str
    formats: tuple[str, ...]
    #: absolute output folder (workers may run elsewhere, on shared storage)
    out_dir: str
    #: ``WriteOptions`` constructor arguments (absolute paths)
    options: dict[str, Any]
    #: hash of ``options``; workers keep one ``WriteOptions`` (and renderer) per key
    settings: str = ""
    #: the parsed article; None makes the worker load ``source`` itself
    article: Any = None
    #: per-format render limit in seconds (None: no limit)
    timeout: float | None = None
    #: attach tracebacks to errors (``--debug``)
    debug: bool = False
    #: environment the render depends on, set in the worker (Dask workers have their own)
    env: tuple[tuple[str, str | None], ...] = ()


@dataclass
class FormatResult:
    """The outcome of one format of one article."""

    format: str
    #: the file written (absolute), or None if it failed
    path: str | None = None
    #: one-line message naming the file, when it failed
    error: str | None = None
    sha256: str | None = None
    seconds: float = 0.0
    timed_out: bool = False
    traceback: str | None = None
    #: warnings logged while rendering (shown by the parent process)
    warnings: list[str] = field(default_factory=list)
    #: files published next to the output (RSS media): relative path -> sha256
    companions: dict[str, str] = field(default_factory=dict)


@dataclass
class JobResult:
    index: int
    source: str
    results: list[FormatResult] = field(default_factory=list)


def timeout_message(source: str, fmt: str, seconds: float) -> str:
    return f"{source}: {fmt}: render timed out after {seconds:g} s"


def error_message(exc: BaseException) -> str:
    """The one line the CLI prints for a failure (as ``Context.fail`` words it)."""
    return str(exc) if isinstance(exc, ExporterError) else f"{type(exc).__name__}: {exc}"


# --- the worker function ------------------------------------------------------------


def run_job(job: Job, on_begin: Callable[[str], None] | None = None,
            on_done: Callable[[FormatResult], None] | None = None) -> JobResult:
    """Render one article in each of ``job.formats``; never raises for a failure.

    This is the one worker function of every executor. ``on_begin(fmt)`` is
    called before each format and ``on_done(result)`` after it (the process
    executor streams them to the parent for deadlines and crash recovery).
    """
    from exporter.api import load, output_path, write_one, writer
    from exporter.batch.manifest import sha256_bytes, sha256_file

    result = JobResult(job.index, job.source)
    for key, value in job.env:
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    capture = getattr(CAPTURE, "enabled", False)
    CAPTURE.lines = [] if capture else None
    try:
        article = job.article if job.article is not None else load(job.source)
    except Exception as exc:
        if isinstance(exc, ExporterError):
            exc.with_source(job.source)
        message, tb = error_message(exc), _tb(job, exc)
        for fmt in job.formats:
            result.results.append(FormatResult(fmt, error=message, traceback=tb))
            if on_done is not None:
                on_done(result.results[-1])
        return result
    options = write_options(job)
    for fmt in job.formats:
        if on_begin is not None:
            on_begin(fmt)
        started = time.perf_counter()
        outcome = FormatResult(fmt)
        try:
            with deadline(job.timeout):
                target = write_one([article], fmt, output_path(article, fmt, job.out_dir), options)
            outcome.seconds = time.perf_counter() - started
            outcome.path = str(target)
            outcome.sha256 = sha256_file(target)
            with contextlib.suppress(Exception):  # written already; only tracking is lost
                outcome.companions = {rel: sha256_bytes(data) for rel, data
                                      in writer(fmt).companion_files([article], options)}
        except RenderTimeout:
            outcome.error = timeout_message(job.source, fmt, job.timeout or 0)
            outcome.timed_out = True
        except Exception as exc:
            outcome.error, outcome.traceback = error_message(exc), _tb(job, exc)
        outcome.seconds = outcome.seconds or time.perf_counter() - started
        if capture:
            outcome.warnings, CAPTURE.lines = CAPTURE.lines, []
        result.results.append(outcome)
        if on_done is not None:
            on_done(outcome)
    return result


def run_chunk(jobs: Sequence[Job], capture: bool = True) -> list[JobResult]:
    """Render several jobs in this process (the Dask task: one chunk of articles)."""
    if capture:
        capture_warnings()
    return [run_job(job) for job in jobs]


def _tb(job: Job, exc: BaseException) -> str | None:
    return "".join(traceback.format_exception(exc)) if job.debug else None


# --- the batch ---------------------------------------------------------------------------


@dataclass
class Failure:
    """One failed input (``format`` None: the input itself could not be used)."""

    file: str
    format: str | None
    reason: str
    traceback: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "format": self.format, "reason": self.reason}


@dataclass
class BatchSummary:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    #: render seconds of each article, per format (measured where it rendered)
    render_seconds: dict[str, list[float]] = field(default_factory=dict)
    executor: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` summary."""
        return {"written": [str(p) for p in self.written],
                "skipped": [str(p) for p in self.skipped],
                "failed": [f.to_dict() for f in self.failed],
                "seconds": round(self.seconds, 3),
                "counts": {"written": len(self.written), "skipped": len(self.skipped),
                           "failed": len(self.failed)},
                "executor": self.executor,
                "render_seconds": {fmt: {"count": len(times), "total": round(sum(times), 3),
                                         "median": round(statistics.median(times), 4)}
                                   for fmt, times in self.render_seconds.items()}}


class Reporter:
    """What the batch tells its caller as it goes (the CLI prints; the API may ignore)."""

    def start(self, total: int, skipped: int) -> None:
        """``total`` articles are about to be rendered; ``skipped`` outputs are fresh."""

    def wrote(self, path: Path) -> None: ...

    def failed(self, failure: Failure, exc: BaseException | None = None) -> None: ...

    def warning(self, message: str) -> None:
        log.warning("%s", message)

    def advance(self) -> None:
        """One article finished (all its formats)."""

    def close(self) -> None: ...


def run_batch(files: Sequence[str | Path], formats: Sequence[str], out_dir: str | Path,
              options: WriteOptions | None = None, *, jobs: int | None = None,
              timeout: float | None = DEFAULT_TIMEOUT, force: bool = False,
              executor: str = "auto", scheduler: str | None = None, debug: bool = False,
              reporter: Reporter | None = None, **executor_options: Any) -> BatchSummary:
    """Export ``files`` in ``formats`` to ``out_dir``; see the module docstring.

    ``jobs`` worker processes (default: CPU count); ``executor`` is
    ``auto`` (in-process for one worker unless a PDF timeout needs a
    killable process), ``inline``, ``process`` or ``dask`` (``scheduler``
    address, or a local cluster). ``executor_options`` go to the executor
    (``recycle_after``, ``kill_grace``, ``dask_processes``...).
    """
    from exporter import __version__
    from exporter.batch.manifest import (
        FileHashes,
        Manifest,
        image_files,
        settings_key,
        sha256_bytes,
    )
    from exporter.registry import get_registry
    from exporter.writers import WriteOptions

    started = time.perf_counter()
    options = options or WriteOptions()
    reporter = reporter or Reporter()
    summary = BatchSummary()
    out = Path(out_dir)
    out_abs = os.path.abspath(out)
    registry = get_registry()
    classes = {fmt: registry.writer_class(fmt) for fmt in formats}
    settings = settings_key(options)
    made_from_base = {"style": options.style.fingerprint(), "exporter": __version__,
                      "settings": settings}
    manifest = Manifest.load(out)
    hashes = FileHashes()
    job_options = _portable_options(options)
    env = (("SOURCE_DATE_EPOCH", os.environ.get("SOURCE_DATE_EPOCH")),)
    pending: dict[int, tuple[Job, str, str, dict[str, str | None], bool]] = {}
    job_list: list[Job] = []
    seen: dict[str, Path] = {}

    def made_from(key: str, input_sha: str, fmt: str) -> dict[str, Any]:
        """What output ``fmt`` of input ``key`` is made from (compared with the manifest)."""
        cls_ = classes[fmt]
        return {"source": key, "format": fmt, "input_sha256": input_sha,
                "writer": f"{cls_.__module__}:{cls_.__qualname__}", **made_from_base}

    def fail(source: str | Path, exc: BaseException, fmt: str | None = None) -> None:
        failure = Failure(str(source), fmt, error_message(exc))
        summary.failed.append(failure)
        reporter.failed(failure, exc)

    for index, raw in enumerate(files):
        path = Path(raw)
        key = str(path.resolve())
        data = _read_input(path)
        if isinstance(data, BaseException):
            fail(path, data)
            continue
        input_sha = sha256_bytes(data)
        article = None
        article_id = None if force else manifest.known_id(key, input_sha)
        if article_id is None:
            try:
                article = _parse(data, path)
            except ExporterError as exc:
                fail(path, exc.with_source(path))
                continue
            except Exception as exc:  # a reader bug: report it as such, keep going
                fail(path, exc)
                continue
            article_id = article.id
        first = seen.get(article_id)
        if first is not None:
            fail(path, UsageError(f"id {article_id!r} is also the id of {first}; outputs would "
                                  "overwrite each other (set a distinct 'id')", source=path))
            continue
        seen[article_id] = path

        stale = list(formats)
        if not force:
            stale = [f for f in formats if not manifest.fresh(
                f"{article_id}{classes[f].suffix}", made_from(key, input_sha, f), hashes)]
            summary.skipped += [out / f"{article_id}{classes[f].suffix}"
                                for f in formats if f not in stale]
        if not stale:
            continue
        if article is None:  # known input, but some output is stale: parse it now
            try:
                article = _parse(data, path)
            except Exception as exc:
                fail(path, exc.with_source(path) if isinstance(exc, ExporterError) else exc)
                continue
        image_paths, remote = image_files(article)
        images = {str(p): hashes(p) for p in image_paths}
        job = Job(index, str(path), tuple(stale), out_abs, job_options, settings, article,
                  timeout if timeout and timeout > 0 else None, debug, env)
        job_list.append(job)
        pending[index] = (job, key, input_sha, images, remote)

    reporter.start(len(job_list), len(summary.skipped))
    written: dict[int, list[Path]] = {}

    def on_result(result: JobResult) -> None:
        job, key, input_sha, images, remote = pending[result.index]
        if any(outcome.error is None for outcome in result.results):
            manifest.record_input(key, job.article.id, input_sha)
        for outcome in result.results:
            for line in outcome.warnings:
                reporter.warning(line)
            summary.render_seconds.setdefault(outcome.format, []).append(outcome.seconds)
            if outcome.error is not None:
                failure = Failure(job.source, outcome.format, outcome.error, outcome.traceback)
                summary.failed.append(failure)
                reporter.failed(failure, BatchError(outcome.error))
                continue
            target = out / Path(outcome.path or "").name
            written.setdefault(result.index, []).append(target)
            if outcome.sha256 is not None:
                manifest.record_output(target.name, made_from(key, input_sha, outcome.format),
                                       images, remote, outcome.sha256, outcome.companions)
            reporter.wrote(target)
        reporter.advance()

    try:
        if job_list:
            from exporter.batch.executors import make_executor

            runner = make_executor(executor, job_list, jobs=jobs, timeout=timeout,
                                   scheduler=scheduler, **executor_options)
            summary.executor = runner.name
            runner.run(job_list, on_result)
    finally:
        reporter.close()
        manifest.save()
    for index in sorted(written):
        summary.written += written[index]
    summary.seconds = time.perf_counter() - started
    return summary


def _read_input(path: Path) -> bytes | BaseException:
    """The input's bytes, or the error ``load`` would give for it."""
    try:  # the common case needs no import of the API (and so no pydantic)
        if path.is_file() and path.stat().st_size <= 1 << 20:
            return path.read_bytes()
    except OSError:
        pass
    from exporter.api import MAX_INPUT_BYTES, load

    try:
        if path.is_file() and path.stat().st_size <= MAX_INPUT_BYTES:
            return path.read_bytes()
    except OSError:
        pass
    try:
        load(path)  # raises the one-line error (no such file, too big, a folder...)
    except Exception as exc:
        return exc.with_source(path) if isinstance(exc, ExporterError) else exc
    return path.read_bytes()


def _parse(data: bytes, path: Path) -> Any:
    from exporter.api import load

    return load(data, origin=path)


def _portable_options(options: WriteOptions) -> dict[str, Any]:
    """``WriteOptions`` arguments with absolute paths (workers may have another cwd)."""
    values: dict[str, Any] = {}
    for f in fields(options):
        if not f.init:
            continue
        value = getattr(options, f.name)
        if isinstance(value, Path):
            value = Path(os.path.abspath(value))
        elif isinstance(value, tuple) and value and all(isinstance(v, Path) for v in value):
            value = tuple(Path(os.path.abspath(v)) for v in value)
        values[f.name] = value
    return values
