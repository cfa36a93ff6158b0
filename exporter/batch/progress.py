"""What ``exporter export`` prints while a batch runs.

On a terminal (stderr is a TTY), a batch of more than one article shows a
progress bar (``rich``, the optional ``exporter[progress]`` extra; without it,
no bar) and errors scroll above it; the ``wrote FILE`` lines are left out
then, the closing count says it all. Not on a terminal, each written file is
one ``wrote FILE`` line on stdout, as always. ``--quiet`` prints only errors;
``--json`` prints nothing on stdout but the summary at the end.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from exporter.batch.summary import Failure, Reporter

log = logging.getLogger("exporter")


def progress_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("rich") is not None


class CliReporter(Reporter):
    """Prints for the CLI; ``fail`` is ``Context.fail`` (one error line, counted)."""

    def __init__(self, fail: Callable[[BaseException], None], *, quiet: bool = False,
                 json_summary: bool = False, progress: bool | None = None) -> None:
        self._fail = fail
        self.quiet = quiet
        self.json_summary = json_summary
        if progress is None:
            progress = not quiet and not json_summary and sys.stderr.isatty()
        self.want_progress = progress
        self._bar: Any = None
        self._task: Any = None

    def start(self, total: int, skipped: int) -> None:
        if not (self.want_progress and total > 1 and progress_available()):
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        label = f"exporting ({skipped} up to date)" if skipped else "exporting"
        self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                             MofNCompleteColumn(), TextColumn("articles"),
                             TimeElapsedColumn(), TimeRemainingColumn(),
                             console=Console(stderr=True), transient=False)
        self._bar.start()
        self._task = self._bar.add_task(label, total=total)

    def wrote(self, path: Path) -> None:
        if not (self.quiet or self.json_summary or self._bar is not None):
            click.echo(f"wrote {path}")

    def failed(self, failure: Failure, exc: BaseException | None = None) -> None:
        if failure.traceback:
            click.echo(failure.traceback.rstrip(), err=True)
        self._fail(exc if exc is not None else RuntimeError(failure.reason))

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
