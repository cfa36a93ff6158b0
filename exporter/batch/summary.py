"""What a batch tells its caller: failures, the closing summary, and the reporter interface.

Pure data and one interface, importing nothing from :mod:`exporter.batch`:
:mod:`~exporter.batch.runner` fills them in, :mod:`~exporter.batch.progress`
(the CLI's reporter) and API callers read them.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["BatchSummary", "Failure", "Reporter"]

log = logging.getLogger("exporter")


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
    """What one batch wrote, skipped as fresh, and failed."""

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
