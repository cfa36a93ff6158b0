"""What runs inside a worker: warm-up, warning capture, per-process options, the deadline.

Shared by every executor's workers (local processes, Dask workers, and this
process for ``--jobs 1``); :func:`exporter.batch.run_job` uses it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exporter.batch import Job
    from exporter.writers import WriteOptions


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
