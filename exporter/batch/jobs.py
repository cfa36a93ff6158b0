"""What travels between the batch and its workers: jobs, results, and their one-line messages.

Pure data, importing nothing from :mod:`exporter.batch`, so the parent side
(:mod:`~exporter.batch.runner`, :mod:`~exporter.batch.executors`) and the
worker side (:mod:`~exporter.batch.worker`) can both import it without a
cycle. Everything here must pickle: jobs go to worker processes and Dask
workers, results come back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from exporter.errors import ExporterError

__all__ = ["BatchError", "FormatResult", "Job", "JobResult", "error_message", "timeout_message"]


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
    #: the parsed article; None makes the worker load ``source`` itself (as it must for an
    #: article nested too deeply for pickle's recursion)
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
    """Every format's outcome of one job (matched to the job by ``index``)."""

    index: int
    source: str
    results: list[FormatResult] = field(default_factory=list)


def timeout_message(source: str, fmt: str, seconds: float) -> str:
    return f"{source}: {fmt}: render timed out after {seconds:g} s"


def error_message(exc: BaseException) -> str:
    """The one line the CLI prints for a failure (as ``Context.fail`` words it)."""
    return str(exc) if isinstance(exc, ExporterError) else f"{type(exc).__name__}: {exc}"


def failed_job(job: Job, message: str) -> JobResult:
    """Every format of ``job`` failed with the same one-line ``message``."""
    return JobResult(job.index, job.source, [FormatResult(f, error=message) for f in job.formats])
