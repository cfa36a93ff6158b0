"""The batch run: what ``exporter export`` calls for many inputs.

:func:`run_batch` reads every input, skips outputs the manifest
(:mod:`exporter.batch.manifest`) shows are fresh -- without parsing or
importing any writer library --, parses the rest, refuses duplicate ids,
sends the jobs (:mod:`exporter.batch.jobs`) to an executor
(:mod:`exporter.batch.executors`), and records what was written. One failure
never stops the rest; every failure names its file.

The manifest is saved as the batch goes (after a finished article, at most
about once a second, atomically), so a run killed with ``kill -9`` loses at
most the last second of records: the re-run skips what was finished.

Imports the batch's other modules; none of them imports this one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.batch.jobs import BatchError, Job, JobResult, error_message
from exporter.batch.summary import BatchSummary, Failure, Reporter
from exporter.errors import ExporterError, InputError, UsageError

if TYPE_CHECKING:
    from exporter.batch.manifest import Manifest
    from exporter.writers import WriteOptions

__all__ = ["DEFAULT_TIMEOUT", "run_batch"]

#: seconds one format of one article may take to render (``--timeout``); 0 or None: no limit
DEFAULT_TIMEOUT = 120.0
#: least seconds between two saves of the manifest during a batch
SAVE_EVERY = 1.0


def run_batch(files: Sequence[str | Path], formats: Sequence[str], out_dir: str | Path,
              options: WriteOptions | None = None, *, jobs: int | None = None,
              timeout: float | None = DEFAULT_TIMEOUT, force: bool = False,
              executor: str = "auto", scheduler: str | None = None, debug: bool = False,
              reporter: Reporter | None = None, save_every: float = SAVE_EVERY,
              **executor_options: Any) -> BatchSummary:
    """Export ``files`` in ``formats`` to ``out_dir``; see the module docstring.

    ``jobs`` worker processes (default: CPU count); ``executor`` is
    ``auto`` (in-process for one worker unless a PDF timeout needs a
    killable process), ``inline``, ``process`` or ``dask`` (``scheduler``
    address, or a local cluster). ``executor_options`` go to the executor
    (``recycle_after``, ``kill_grace``, ``dask_processes``...). The manifest
    is saved after a finished article once ``save_every`` seconds have
    passed since the last save (0: after every article), and at the end.
    """
    from exporter import __version__
    from exporter.batch.executors import make_executor
    from exporter.batch.manifest import (
        FileHashes,
        Manifest,
        image_files,
        settings_key,
        sha256_bytes,
    )
    from exporter.registry import get_registry
    from exporter.writers import WriteOptions
    from exporter.writers.options import check_extra

    started = time.perf_counter()
    options = options or WriteOptions()
    reporter = reporter or Reporter()
    summary = BatchSummary()
    out = Path(out_dir)
    out_abs = os.path.abspath(out)
    registry = get_registry()
    classes = {fmt: registry.writer_class(fmt) for fmt in formats}
    check_extra(options.extra, classes.values())  # unknown -O keys: refused before any render
    settings = settings_key(options)
    made_from_base = {"style": options.style.fingerprint(), "exporter": __version__,
                      "settings": settings}
    manifest = Manifest.load(out)
    hashes = FileHashes()
    job_options = _portable_options(options)
    env = (("SOURCE_DATE_EPOCH", os.environ.get("SOURCE_DATE_EPOCH")),)
    pending: dict[int, tuple[Job, str, str, dict[str, str | None], bool]] = {}
    saver = _Saver(manifest, save_every)
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
        image_paths, volatile = image_files(article, options.gate(article))
        images = {str(p): hashes(p) for p in image_paths}
        job = Job(index, str(path), tuple(stale), out_abs, job_options, settings, article,
                  timeout if timeout and timeout > 0 else None, debug, env)
        job_list.append(job)
        pending[index] = (job, key, input_sha, images, volatile)

    reporter.start(len(job_list), len(summary.skipped))
    written: dict[int, list[Path]] = {}

    def on_result(result: JobResult) -> None:
        job, key, input_sha, images, volatile = pending.pop(result.index)
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
                                       images, volatile, outcome.sha256, outcome.companions)
            reporter.wrote(target)
        saver.maybe_save()
        reporter.advance()

    try:
        if job_list:
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


class _Saver:
    """Saves the manifest during the batch: after an article, at most every ``every`` s.

    The gap also grows to ten times the last save's duration, so a huge
    manifest costs at most about a tenth of the run (``every`` 0: always save).
    """

    def __init__(self, manifest: Manifest, every: float) -> None:
        self.manifest = manifest
        self.every = max(0.0, every)
        self.gap = self.every
        self.last = time.monotonic()

    def maybe_save(self) -> None:
        now = time.monotonic()
        if now - self.last < self.gap:
            return
        self.manifest.save()
        done = time.monotonic()
        self.gap = max(self.every, 10 * (done - now)) if self.every else 0.0
        self.last = done


def _read_input(path: Path) -> bytes | BaseException:
    """The input's bytes, or the one-line error ``load`` would give for it.

    Read by the resource gate's rule for local files (regular files only,
    opened non-blocking, size-capped), so a FIFO or a device named as an
    input fails alone instead of blocking the batch.
    """
    from exporter.resources import read_regular_file

    try:  # the common case needs no import of the API (and so no pydantic)
        return read_regular_file(path, 1 << 20)
    except ExporterError:
        pass
    from exporter.api import MAX_INPUT_BYTES, load

    try:
        return read_regular_file(path, MAX_INPUT_BYTES)
    except ExporterError:
        pass
    try:
        load(path)  # raises the one-line error (no such file, too big, a folder, a FIFO...)
    except Exception as exc:
        return exc.with_source(path) if isinstance(exc, ExporterError) else exc
    return InputError("could not be read", source=path)


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
