"""Where :func:`~exporter.batch.worker.run_job` runs: in-process, local worker processes, or Dask.

**Process executor.** ``N`` long-lived worker processes (``spawn`` start
method: nothing heavy is ever forked). Each imports the writers' libraries
once and keeps its writer instances -- WeasyPrint's font configuration and
parsed stylesheets -- for every article it renders. Articles are handed out
in chunks; a worker streams one message per format back, so the parent knows
what each worker is rendering and since when. A worker retires after
``recycle_after`` articles (memory stays flat over long batches) and after
a timed-out render, and is replaced.

Why not ``concurrent.futures.ProcessPoolExecutor``: it can neither kill one
worker nor survive one dying -- a killed or crashed worker (a hung PDF, the
OOM killer, a segfault in a C library) breaks the whole pool and fails every
pending article. Here a render past its deadline gets its worker killed and
replaced, that one format of that one article is reported
(``file: pdf: render timed out after N s``) and the rest of the batch goes on;
a worker that dies costs only the format it was rendering.

Two layers of timeout: inside the worker a watchdog raises
:class:`~exporter.batch.worker.RenderTimeout` into the render at ``timeout`` (cheap;
the worker survives); the parent kills the worker if it has still not
answered ``kill_grace`` seconds later (a render stuck inside C code).

**Dask executor.** The same jobs, in chunks, as Dask tasks running
:func:`~exporter.batch.worker.run_chunk` on a ``distributed`` cluster
(``--scheduler tcp://host:8786``) or a ``LocalCluster``. Input and output
paths must be on storage every worker sees at the same path. Only the
in-worker watchdog applies there (Dask runs tasks in threads and restarts
dead workers itself).

**Sending.** A job that cannot be pickled for another process (an article
nested deeper than pickle's recursion allows) is sent without its article,
for the worker to read the input itself; if even that fails, that one
article fails with one line and the batch goes on.

The parent side only: imports :mod:`~exporter.batch.jobs` and
:mod:`~exporter.batch.worker`, never :mod:`exporter.batch.runner`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from typing import Any

from exporter.batch.jobs import (
    FormatResult,
    Job,
    JobResult,
    error_message,
    failed_job,
    timeout_message,
)
from exporter.batch.worker import process_main, run_chunk, run_job
from exporter.errors import UsageError

#: articles a worker renders before it is replaced (keeps memory flat)
RECYCLE_AFTER = 250
#: seconds past the timeout before a worker that does not answer is killed
KILL_GRACE = 5.0

OnResult = Callable[[JobResult], None]


def make_executor(kind: str, job_list: Sequence[Job], *, jobs: int | None = None,
                  timeout: float | None = None, scheduler: str | None = None,
                  **options: Any) -> InlineExecutor | ProcessExecutor | DaskExecutor:
    """Choose the executor for ``job_list`` (see :func:`exporter.batch.runner.run_batch`)."""
    wanted = jobs if jobs and jobs > 0 else cpu_count()
    workers = max(1, min(wanted, len(job_list)))
    if scheduler or kind == "dask":
        return DaskExecutor(scheduler, workers=max(1, wanted), **options)
    if kind == "inline":
        return InlineExecutor()
    if kind == "process":
        return ProcessExecutor(workers, timeout=timeout, **options)
    if kind != "auto":
        raise UsageError(f"unknown executor {kind!r}; known executors: auto, dask, inline, process")
    # One worker renders in-process, unless a PDF timeout needs a process it can kill.
    needs_kill = bool(timeout and timeout > 0) and any("pdf" in j.formats for j in job_list)
    if workers == 1 and not needs_kill:
        return InlineExecutor()
    return ProcessExecutor(workers, timeout=timeout, **options)


def cpu_count() -> int:
    """CPUs this process may run on (a container's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _chunks(jobs: Sequence[Job], size: int) -> list[list[Job]]:
    return [list(jobs[i:i + size]) for i in range(0, len(jobs), size)]


def portable(job: Job) -> Job | str:
    """``job`` in a form that pickles for another process, or the one line saying why not.

    Pickle recurses once per level of the article's inline nesting and raises
    RecursionError at a few hundred levels; such a job goes without its
    article (the worker reads the input itself), so it never takes the batch
    down.
    """
    try:
        pickle.dumps(job)
        return job
    except Exception as exc:
        reason: BaseException = exc
    if job.article is not None:
        slim = replace(job, article=None)
        try:
            pickle.dumps(slim)
            return slim
        except Exception as exc:
            reason = exc
    return f"{job.source}: cannot be sent to a worker process ({error_message(reason)})"


class InlineExecutor:
    """Render in this process, one article after another (``--jobs 1``)."""

    name = "inline"

    def run(self, jobs: Sequence[Job], on_result: OnResult) -> None:
        for job in jobs:
            on_result(run_job(job))


# --- local worker processes ------------------------------------------------------------


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    #: jobs handed to this worker and not finished yet
    jobs: list[Job] = field(default_factory=list)
    #: (index, format) being rendered, from the last "begin" message
    current: tuple[int, str] | None = None
    since: float = 0.0
    #: answered at least once (a worker that dies before that may be broken)
    answered: bool = False
    #: said it retires after its chunk (recycling, or after a timed-out render)
    retired: bool = False
    #: has a chunk and has not yet said "idle" (its last results may still be in the pipe)
    busy: bool = False

    def stop(self, kill: bool = False) -> None:
        if not kill and self.proc.is_alive():
            with contextlib.suppress(OSError):
                self.conn.send(None)
            self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(2)
        self.conn.close()


def describe_exit(code: int | None) -> str:
    if code is None:
        return "did not exit"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
    return f"exit status {code}"


class ProcessExecutor:
    """Long-lived local worker processes with per-render deadlines (module docstring)."""

    name = "process"

    def __init__(self, workers: int, *, timeout: float | None = None,
                 recycle_after: int = RECYCLE_AFTER, kill_grace: float = KILL_GRACE,
                 soft_timeout: bool = True, chunk_size: int | None = None,
                 start_method: str = "spawn", **_: Any) -> None:
        self.workers = max(1, workers)
        self.timeout = timeout if timeout and timeout > 0 else None
        self.recycle_after = max(1, recycle_after)
        self.kill_grace = kill_grace
        self.soft_timeout = soft_timeout
        self.chunk_size = chunk_size
        self.context: Any = multiprocessing.get_context(start_method)

    def run(self, jobs: Sequence[Job], on_result: OnResult) -> None:
        formats = sorted({fmt for job in jobs for fmt in job.formats})
        size = self.chunk_size or max(1, min(16, len(jobs) // (self.workers * 16)))
        self._queue: deque[Job] = deque(jobs)
        self._size = size
        self._expected = {job.index: len(job.formats) for job in jobs}
        self._partial: dict[int, JobResult] = {}
        self._on_result = on_result
        self._early_deaths = 0
        slots: list[_Worker | None] = [None] * self.workers
        failed = True
        try:
            while self._queue or any(w is not None and w.busy for w in slots):
                for i, w in enumerate(slots):
                    if self._queue and (w is None or not w.busy):
                        if w is None:
                            w = slots[i] = self._spawn(formats)
                        if not self._give(w):  # it died while idle
                            self._lost(w, timed_out=False)
                            w.stop(kill=True)
                            slots[i] = None
                busy = [w for w in slots if w is not None and w.busy]
                if not busy:  # every hand-out failed: start new workers
                    continue
                ready = wait([w.conn for w in busy], timeout=self._wait_time(busy))
                for i, w in enumerate(slots):
                    if w is None:
                        continue
                    alive = self._drain(w) if w.conn in ready else True
                    if alive and self._overdue(w):
                        w.proc.kill()
                        w.proc.join(5)
                        self._drain(w)  # a result sent just before the kill still counts
                        self._lost(w, timed_out=True)
                        alive = False
                    elif not alive:
                        self._lost(w, timed_out=False)
                    if not alive or (w.retired and not w.busy):
                        w.stop(kill=not alive)
                        slots[i] = None
            failed = False
        finally:
            for w in slots:
                if w is not None:
                    w.stop(kill=failed)

    # -- bookkeeping --------------------------------------------------------------

    def _spawn(self, formats: list[str]) -> _Worker:
        parent, child = self.context.Pipe()
        proc = self.context.Process(target=process_main, name="exporter-worker", daemon=True,
                                    args=(child, formats, self.recycle_after, self.soft_timeout,
                                          len(self._queue) > self.workers, os.getpid()))
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _give(self, w: _Worker) -> bool:
        """Hand ``w`` its next chunk; False if it is gone (a job that cannot go fails alone)."""
        chunk = [self._queue.popleft() for _ in range(min(self._size, len(self._queue)))]
        try:
            w.conn.send(chunk)  # pickles first: nothing is written if pickling fails
        except OSError:
            w.jobs, w.current, w.busy = chunk, None, True
            return False
        except Exception:
            chunk = self._sendable(chunk)
            if not chunk:
                return True
            try:
                w.conn.send(chunk)
            except OSError:
                w.jobs, w.current, w.busy = chunk, None, True
                return False
        w.jobs, w.current, w.busy = chunk, None, True
        return True

    def _sendable(self, chunk: list[Job]) -> list[Job]:
        """The jobs of ``chunk`` as they can be sent; the others are reported failed now."""
        kept = []
        for job in chunk:
            sent = portable(job)
            if isinstance(sent, str):
                self._expected.pop(job.index, None)
                self._on_result(failed_job(job, sent))
            else:
                kept.append(sent)
        return kept

    def _wait_time(self, busy: list[_Worker]) -> float | None:
        if self.timeout is None:
            return None
        limits = [w.since + self.timeout + self.kill_grace for w in busy if w.current]
        return max(0.0, min(limits) - time.monotonic()) if limits else None

    def _overdue(self, w: _Worker) -> bool:
        return (self.timeout is not None and w.current is not None
                and time.monotonic() > w.since + self.timeout + self.kill_grace)

    def _drain(self, w: _Worker) -> bool:
        """Handle every message waiting from ``w``; False if it is gone."""
        try:
            while w.conn.poll():
                message = w.conn.recv()
                w.answered = True
                kind = message[0]
                if kind == "begin":
                    w.current, w.since = (message[1], message[2]), time.monotonic()
                elif kind == "done":
                    w.current = None
                    job = next(j for j in w.jobs if j.index == message[1])
                    self._finish(job, message[2], w)
                elif kind == "idle":
                    w.jobs, w.current, w.busy, w.retired = [], None, False, bool(message[1])
                elif kind == "fatal":
                    self._fail_all(w, "worker process failed to start: "
                                   + message[1].strip().splitlines()[-1])
        except (EOFError, OSError):
            return False
        return True

    def _finish(self, job: Job, outcome: FormatResult, w: _Worker | None) -> None:
        """One format of ``job`` is done; the article is reported once all its formats are."""
        partial = self._partial.setdefault(job.index, JobResult(job.index, job.source))
        partial.results.append(outcome)
        if len(partial.results) >= self._expected[job.index]:
            if w is not None:
                w.jobs = [j for j in w.jobs if j.index != job.index]
            self._on_result(self._partial.pop(job.index))

    def _done_formats(self, job: Job) -> set[str]:
        partial = self._partial.get(job.index)
        return {r.format for r in partial.results} if partial else set()

    def _lost(self, w: _Worker, timed_out: bool) -> None:
        """``w`` was killed or died: report what it was rendering, requeue the rest."""
        w.proc.join(5)
        code = w.proc.exitcode
        requeue: list[Job] = []
        for job in w.jobs:
            done = self._done_formats(job)
            if w.current is not None and w.current[0] == job.index:
                fmt = w.current[1]
                if timed_out:
                    message = timeout_message(job.source, fmt, self.timeout or 0)
                else:
                    message = f"{job.source}: {fmt}: worker process died ({describe_exit(code)})"
                rest = tuple(f for f in job.formats if f not in done and f != fmt)
                if rest:
                    requeue.append(replace(job, formats=rest))
                self._finish(job, FormatResult(fmt, error=message, timed_out=timed_out), None)
            else:
                rest = tuple(f for f in job.formats if f not in done)
                if rest:
                    requeue.append(replace(job, formats=rest))
        if w.current is None and not w.answered:
            self._early_deaths += 1
            if self._early_deaths >= 3:  # workers die before rendering anything: give up
                w.jobs = requeue
                self._fail_all(w, f"worker process died before rendering ({describe_exit(code)})")
                return
        w.jobs, w.current, w.busy = [], None, False
        self._queue.extendleft(reversed(requeue))

    def _fail_all(self, w: _Worker, reason: str) -> None:
        pending = list(w.jobs) + list(self._queue)
        self._queue.clear()
        w.jobs, w.busy = [], False
        for job in pending:
            done = self._done_formats(job)
            for fmt in job.formats:
                if fmt not in done:
                    self._finish(job, FormatResult(fmt, error=f"{job.source}: {fmt}: {reason}"), None)


# --- Dask ----------------------------------------------------------------------------------


class DaskExecutor:
    """Run the jobs as Dask tasks (module docstring); ``address`` None: a LocalCluster."""

    name = "dask"

    def __init__(self, address: str | None = None, *, workers: int = 2,
                 dask_processes: bool = True, chunk_size: int | None = None, **_: Any) -> None:
        self.address = address
        self.workers = workers
        self.processes = dask_processes
        self.chunk_size = chunk_size

    def run(self, jobs: Sequence[Job], on_result: OnResult) -> None:
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError:
            raise UsageError("the Dask executor needs dask.distributed; "
                             "install it with: pip install 'exporter[dask]'") from None
        cluster = None
        if self.address:
            import dask

            try:  # how long to try: Dask's own setting (DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT)
                client = Client(self.address,
                                timeout=dask.config.get("distributed.comm.timeouts.connect"))
            except OSError as exc:
                raise UsageError(f"cannot reach the Dask scheduler at {self.address}: {exc}"
                                 ) from None
        else:
            cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                   processes=self.processes, dashboard_address=None)
            client = Client(cluster)
        try:
            workers = max(1, len(client.scheduler_info().get("workers", {})) or self.workers)
            size = self.chunk_size or max(1, min(32, len(jobs) // (workers * 4)))
            sendable = []
            for job in jobs:
                sent = portable(job)
                if isinstance(sent, str):
                    on_result(failed_job(job, sent))
                else:
                    sendable.append(sent)
            chunks = _chunks(sendable, size)
            # In-process workers (processes=False) share our logger: no capture there.
            capture = bool(self.address) or self.processes
            futures = client.map(run_chunk, chunks, capture=capture, pure=False)
            by_key = {f.key: chunk for f, chunk in zip(futures, chunks, strict=True)}
            for future in as_completed(futures):
                chunk = by_key[future.key]
                try:
                    results = future.result()
                except Exception as exc:
                    reason = f"Dask task failed: {type(exc).__name__}: {exc}"
                    results = [JobResult(j.index, j.source, [
                        FormatResult(f, error=f"{j.source}: {f}: {reason}") for f in j.formats])
                        for j in chunk]
                for result in results:
                    on_result(result)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
