"""Atomic writes: a failure or a kill never leaves a partial file or loses the old one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from exporter.output import atomic_write


def test_success_replaces_target(tmp_path) -> None:
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    with atomic_write(target) as stream:
        stream.write(b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_exception_keeps_previous_and_leaves_nothing(tmp_path) -> None:
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_write(target) as stream:
        stream.write(b"partial")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_skip_if_same_keeps_mtime(tmp_path) -> None:
    target = tmp_path / "feed.xml"
    target.write_bytes(b"same")
    os.utime(target, (1_000_000, 1_000_000))
    with atomic_write(target, skip_if_same=True) as stream:
        stream.write(b"same")
    assert target.stat().st_mtime == 1_000_000
    with atomic_write(target, skip_if_same=True) as stream:
        stream.write(b"different")
    assert target.read_bytes() == b"different"


def test_kill_9_mid_write_keeps_previous_file_whole(tmp_path) -> None:
    target = tmp_path / "story.pdf"
    target.write_bytes(b"%PDF previous good output")
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from exporter.output import atomic_write\n"
        "with atomic_write(Path(sys.argv[1])) as s:\n"
        "    s.write(b'%PDF half'); s.flush()\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    time.sleep(0.05)
    assert target.read_bytes() == b"%PDF previous good output"
    assert [p.name for p in tmp_path.iterdir()] == ["story.pdf"]
