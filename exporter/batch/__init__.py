"""Batch export: many articles, in parallel, incrementally (``exporter export``).

Only re-exports; each job lives in one module, and the arrows go one way::

    runner ──> executors ──> worker ──> jobs
      │            │           └──────> manifest
      ├──> manifest└──────────────────> jobs
      └──> summary <── progress

- :mod:`~exporter.batch.jobs`: Job, FormatResult, JobResult, their messages (pure data)
- :mod:`~exporter.batch.worker`: run_job / run_chunk and the in-worker side
  (warning capture, deadline, options, a local worker process's main loop)
- :mod:`~exporter.batch.executors`: inline, local processes, Dask
- :mod:`~exporter.batch.runner`: run_batch (inputs, manifest, executor, reporter)
- :mod:`~exporter.batch.manifest`: the incremental-build manifest
- :mod:`~exporter.batch.summary`: Failure, BatchSummary, Reporter
- :mod:`~exporter.batch.progress`: the CLI's reporter

No submodule imports ``exporter.batch`` itself, only its siblings.
"""

from __future__ import annotations

from exporter.batch.jobs import BatchError, FormatResult, Job, JobResult
from exporter.batch.runner import DEFAULT_TIMEOUT, run_batch
from exporter.batch.summary import BatchSummary, Failure, Reporter
from exporter.batch.worker import RenderTimeout, deadline, run_chunk, run_job

__all__ = ["DEFAULT_TIMEOUT", "BatchError", "BatchSummary", "Failure", "FormatResult", "Job",
           "JobResult", "RenderTimeout", "Reporter", "deadline", "run_batch", "run_chunk",
           "run_job"]
