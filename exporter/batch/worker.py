"""The worker side of a batch: the one worker function and what it runs inside.

:func:`run_job` renders one :class:`~exporter.batch.jobs.Job` and returns one
:class:`~exporter.batch.jobs.FormatResult` per format: the path written, or a
one-line error. The same function runs in this process (``--jobs 1``), in the
local worker processes (:func:`process_main`, started by
:mod:`exporter.batch.executors`) and on Dask workers (:func:`run_chunk`).
Around it: warning capture, one ``WriteOptions`` per settings key, warm-up,
the per-render :func:`deadline`, and -- in a local worker process -- dying
with the parent (:func:`die_with_parent`).

Imports only :mod:`exporter.batch.jobs` and :mod:`exporter.batch.manifest`
from the batch package.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from exporter.batch.jobs import FormatResult, Job, JobResult, error_message, timeout_message
from exporter.errors import ExporterError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from exporter.writers import WriteOptions

#: how often a worker process checks that its parent is still there (where prctl is missing)
PARENT_POLL = 0.5
_PR_SET_PDEATHSIG = 1


class RenderTimeout(BaseException):
    """Raised inside a render that ran past its deadline.

    A ``BaseException`` so that neither a writer's nor ``write_one``'s
    ``except Exception`` can swallow it; ``atomic_write`` still removes the
    temporary file on the way out.
    """


_OPTIONS: dict[str, WriteOptions] = {}
#: per-thread list collecting warnings while a job renders (None: not capturing)
CAPTURE = threading.local()


class _CaptureHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        target = getattr(CAPTURE, "lines", None)
        if target is not None and record.levelno >= logging.WARNING:
            target.append(record.getMessage())


def capture_warnings() -> None:
    """In a worker process: collect exporter warnings into the results instead of stderr."""
    logger = logging.getLogger("exporter")
    if not any(isinstance(h, _CaptureHandler) for h in logger.handlers):
        logger.addHandler(_CaptureHandler())
        logger.propagate = False
        logger.setLevel(logging.WARNING)
    CAPTURE.enabled = True


def warm_up(formats: Sequence[str], render: bool = True) -> None:
    """Import each writer's libraries, build its instance and render a tiny article once.

    A process's first render is much slower (WeasyPrint: about 150 ms more);
    done here, it is not charged to the first article's timeout. ``render``
    False only builds the writers (a worker with a single article to render).
    """
    import io

    from exporter.api import writer
    from exporter.model import Article
    from exporter.writers import WriteOptions

    article = Article.from_data({"id": "warm-up", "headline": "Warm-up",
                                 "body": [{"type": "paragraph", "content": "Text."}]})
    for fmt in formats:
        with contextlib.suppress(Exception):  # the job reports an unavailable writer
            instance = writer(fmt)
            if render:
                instance.write([article], io.BytesIO(), WriteOptions())


def write_options(job: Job) -> WriteOptions:
    """The job's ``WriteOptions``, built once per settings key in this process."""
    options = _OPTIONS.get(job.settings)
    if options is None:
        from exporter.writers import WriteOptions

        options = WriteOptions(**job.options)
        _OPTIONS[job.settings] = options
    return options


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise :class:`RenderTimeout` in this thread if the block runs past ``seconds``.

    A watchdog timer raises the exception asynchronously into the rendering
    thread, which works in any thread (Dask runs tasks in threads, where
    SIGALRM cannot be used). It interrupts Python code -- WeasyPrint's layout
    loops -- but not a single long call into C; for that the process
    executor kills the worker (see :mod:`exporter.batch.executors`).
    """
    if not seconds or seconds <= 0:
        yield
        return
    tid = threading.get_ident()
    lock = threading.Lock()
    state = {"armed": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["armed"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid),
                                                           ctypes.py_object(RenderTimeout))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["armed"] = False
            timer.cancel()
            if state["fired"]:  # fired but maybe not delivered yet: clear it
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), None)


# --- the worker function ------------------------------------------------------------


def run_job(job: Job, on_begin: Callable[[str], None] | None = None,
            on_done: Callable[[FormatResult], None] | None = None) -> JobResult:
    """Render one article in each of ``job.formats``; never raises for a failure.

    This is the one worker function of every executor. ``on_begin(fmt)`` is
    called before each format and ``on_done(result)`` after it (the process
    executor streams them to the parent for deadlines and crash recovery).
    """
    from exporter.api import output_path, write_one, writer
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
        article = _article(job)
    except Exception as exc:
        if isinstance(exc, ExporterError):
            exc.with_source(job.source)
        message, tb = _failure_line(job, None, exc), _tb(job, exc)
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
            outcome.error, outcome.traceback = _failure_line(job, fmt, exc), _tb(job, exc)
        outcome.seconds = outcome.seconds or time.perf_counter() - started
        if capture:
            outcome.warnings, CAPTURE.lines = CAPTURE.lines, []
        result.results.append(outcome)
        if on_done is not None:
            on_done(outcome)
    return result


def _article(job: Job) -> Any:
    """The job's article: sent parsed by the parent, or read here."""
    from exporter.api import load

    return job.article if job.article is not None else load(job.source)


def run_chunk(jobs: Sequence[Job], capture: bool = True) -> list[JobResult]:
    """Render several jobs in this process (the Dask task: one chunk of articles)."""
    if capture:
        capture_warnings()
    return [run_job(job) for job in jobs]


def _failure_line(job: Job, fmt: str | None, exc: BaseException) -> str:
    """The one line for a failure; a RecursionError names the file, not a stack frame."""
    if isinstance(exc, RecursionError):
        where = f"{job.source}: {fmt}" if fmt else job.source
        return f"{where}: the article is nested too deeply to process"
    return error_message(exc)


def _tb(job: Job, exc: BaseException) -> str | None:
    return "".join(traceback.format_exception(exc)) if job.debug else None


# --- a local worker process -----------------------------------------------------------


def die_with_parent(parent_pid: int) -> None:
    """End this process as soon as the parent ``parent_pid`` is gone, even after kill -9.

    A killed parent runs no cleanup, and a worker busy rendering would not
    notice the closed pipe until its render ends (seconds for a PDF), writing
    files nobody records. On Linux the kernel sends SIGKILL at the parent's
    death (``PR_SET_PDEATHSIG``; it catches a render stuck in C code too); a
    thread polling the parent id covers other systems and a parent that died
    before the call.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(70)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL)
        os._exit(70)

    threading.Thread(target=watch, name="exporter-parent-watch", daemon=True).start()


def process_main(conn: Connection, formats: list[str], recycle_after: int,
                 soft_timeout: bool, warm: bool, parent_pid: int) -> None:
    """A local worker process: warm up, then render chunks until told to stop or retired.

    Messages to the parent: ``("begin", index, fmt)`` and ``("done", index,
    FormatResult)`` per format, ``("idle", retiring)`` after each chunk,
    ``("fatal", traceback)`` if the warm-up itself fails.
    """
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    try:
        capture_warnings()
        warm_up(formats, render=warm)
    except BaseException:
        conn.send(("fatal", traceback.format_exc()))
        return
    rendered = 0
    with contextlib.suppress(EOFError, OSError):  # the parent is gone: just stop
        while (chunk := conn.recv()) is not None:
            retire = False
            for job in chunk:
                if not soft_timeout:
                    job = replace(job, timeout=None)
                index = job.index

                def begin(fmt: str, i: int = index) -> None:
                    conn.send(("begin", i, fmt))

                def done(outcome: FormatResult, i: int = index) -> None:
                    conn.send(("done", i, outcome))

                result = run_job(job, on_begin=begin, on_done=done)
                retire = retire or any(r.timed_out for r in result.results)
                rendered += 1
            retire = retire or rendered >= recycle_after
            conn.send(("idle", retire))
            if retire:
                return
