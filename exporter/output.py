"""Atomic output: a file is either the previous good version or the complete new one.

Every output is written to a temporary file in the target folder, flushed to
disk, then renamed over the target (``os.replace`` is atomic on POSIX). A
failure -- an exception, a crash, ``kill -9`` -- never destroys the previous
good output.

On Linux the temporary file is anonymous (``O_TMPFILE``): until the render
has finished it has no name, so a killed process leaves nothing behind at
all. Elsewhere a named ``.<target>.<random>.tmp`` file is used, and stale
ones of the same target are swept on the next write.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

_O_TMPFILE = getattr(os, "O_TMPFILE", 0)


@contextlib.contextmanager
def atomic_write(target: Path, *, skip_if_same: bool = False) -> Iterator[BinaryIO]:
    """Yield a binary stream; on success it replaces ``target`` in one step.

    With ``skip_if_same``, an output whose bytes equal the existing file is
    not renamed into place, so its mtime stays (HTTP caches and ETags hold).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _open_temp(target)
    if tmp is not None:
        _sweep_stale(target, keep=tmp)
    try:
        with os.fdopen(fd, "w+b") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
            if skip_if_same and _same_as(stream, target):
                return
            os.fchmod(stream.fileno(), 0o644 & ~_umask())
            if tmp is None:  # anonymous file: give it a name only now, then rename
                tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
                _link_anonymous(stream.fileno(), tmp)
        os.replace(tmp, target)
        tmp = None
    finally:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _open_temp(target: Path) -> tuple[int, Path | None]:
    if _O_TMPFILE and Path("/proc/self/fd").is_dir():
        try:
            return os.open(target.parent, _O_TMPFILE | os.O_RDWR, 0o600), None
        except OSError:
            pass  # filesystem without O_TMPFILE support
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    return fd, Path(name)


def _link_anonymous(fd: int, name: Path) -> None:
    """Give an O_TMPFILE file a name (linkat with AT_SYMLINK_FOLLOW on /proc/self/fd)."""
    dir_fd = os.open(name.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        # Passing dst_dir_fd makes CPython call linkat(), which follows the
        # /proc symlink to the open file; plain link() would not.
        os.link(f"/proc/self/fd/{fd}", name.name, dst_dir_fd=dir_fd, follow_symlinks=True)
    finally:
        os.close(dir_fd)


def _sweep_stale(target: Path, keep: Path, min_age: float = 600.0) -> None:
    """Remove temp files a killed earlier run left for this target (named-temp fallback).

    Only files older than ``min_age`` seconds go: a younger one may belong to
    a run that is still writing.
    """
    import time

    now = time.time()
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if stale != keep and now - stale.stat().st_mtime > min_age:
                stale.unlink()


def _same_as(stream: BinaryIO, target: Path) -> bool:
    try:
        if os.fstat(stream.fileno()).st_size != target.stat().st_size:
            return False
    except FileNotFoundError:
        return False
    stream.seek(0)
    return stream.read() == target.read_bytes()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
