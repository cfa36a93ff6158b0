"""Same input and SOURCE_DATE_EPOCH -> byte-identical outputs, whatever the time zone."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import fixture_path

FORMATS = ("pdf", "docx", "epub", "rss", "html")


def export_digests(out: Path, tz: str, epoch: str | None) -> dict[str, str]:
    env = {**os.environ, "TZ": tz}
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    inputs = [str(fixture_path(n)) for n in ("tram-line", "rtl-arabic")]
    result = subprocess.run([sys.executable, "-m", "exporter", "export", *inputs, "-f",
                             ",".join(FORMATS), "-o", str(out), "-q"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.iterdir()) if not p.name.startswith(".")}


@pytest.mark.parametrize("epoch", [None, "1700000000"])
def test_byte_identical_across_runs_and_time_zones(tmp_path, epoch: str | None) -> None:
    first = export_digests(tmp_path / "a", "UTC", epoch)
    second = export_digests(tmp_path / "b", "Pacific/Kiritimati", epoch)
    assert len(first) == 2 * len(FORMATS)
    assert first == second
