"""Atomic output: a file is either the previous good version or the complete new one.

Every output is written to a temporary file in the target folder, flushed to
disk, then renamed over the target (``os.replace`` is atomic on POSIX). A
failure -- an exception, a kill -- leaves no partial file and never destroys
the previous good output.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_write(target: Path, *, skip_if_same: bool = False) -> Iterator[BinaryIO]:
    """Yield a binary stream; on success it replaces ``target`` in one step.

    With ``skip_if_same``, an output whose bytes equal the existing file is
    not renamed into place, so its mtime stays (HTTP caches and ETags hold).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w+b") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if skip_if_same and target.is_file() and _same_bytes(tmp, target):
            tmp.unlink()
            return
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    return a.read_bytes() == b.read_bytes()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
