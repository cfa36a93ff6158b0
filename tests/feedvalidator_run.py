"""Run the W3C Feed Validator (vendored under ``tests/vendor/feedvalidator``) offline.

The validator behind validator.w3.org/feed fetches a URL; given the bytes
instead (``validateString``) it fetches nothing, and ``base`` tells it where
the feed is published, so relative references and ``atom:link rel="self"``
(SelfDoesntMatchLocation) are judged against that URL. Its messages are
classes in ``feedvalidator.logging``: subclasses of ``Error`` and
``Warning`` count; ``Info`` messages (e.g. best-practice notes) are listed
apart and never fail a check.

Run as a script: ``python tests/feedvalidator_run.py FILE URL``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

_VENDOR = Path(__file__).resolve().parent / "vendor"
if str(_VENDOR) not in sys.path:
    sys.path.insert(0, str(_VENDOR))

import feedvalidator  # noqa: E402 (vendored: importable only once the path is set)
from feedvalidator import logging as fvlog  # noqa: E402


@dataclass(frozen=True)
class Message:
    """One validator event: its level, class name (the validator's doc page name) and details."""

    level: str
    name: str
    line: int | None
    element: str | None

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "?"
        return f"{self.level} {self.name} ({where}, element {self.element})"


def _level(event: object) -> str:
    if isinstance(event, fvlog.Error):
        return "error"
    if isinstance(event, fvlog.Warning):
        return "warning"
    return "info"


def validate(data: bytes, url: str) -> tuple[str | None, list[Message]]:
    """The feed type the validator found and every message it logged for ``data`` at ``url``."""
    result = feedvalidator.validateString(data, firstOccurrenceOnly=1, base=url)
    messages = [Message(_level(e), type(e).__name__, e.params.get("line"),
                        e.params.get("element")) for e in result["loggedEvents"]]
    feed_type = result.get("feedType")
    return (_FEED_TYPES.get(feed_type, str(feed_type)) if feed_type else None), messages


def problems(data: bytes, url: str) -> list[str]:
    """Errors and warnings only, as one readable line each ([] = the validator is satisfied)."""
    _, messages = validate(data, url)
    return [str(m) for m in messages if m.level != "info"]


_FEED_TYPES = {fvlog.TYPE_RSS2: "rss2", fvlog.TYPE_ATOM: "atom"}


if __name__ == "__main__":
    kind, found = validate(Path(sys.argv[1]).read_bytes(), sys.argv[2])
    print(f"feed type: {kind}")
    for message in found:
        print(message)
    sys.exit(1 if any(m.level != "info" for m in found) else 0)
