"""The Dask executor: the same jobs and worker function on a distributed LocalCluster."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the exporter[dask] extra is not installed")

from exporter.batch import run_batch

from .batch_helpers import available, exporter_cmd, make_articles, outputs


def test_dask_local_cluster_writes_the_same_files(tmp_path: Path) -> None:
    formats = available("html", "docx", "epub", "rss")
    src = tmp_path / "in"
    paths = make_articles(src, 3)
    (src / "bad.json").write_text('{"headline": 3}', encoding="utf-8")
    paths.append(src / "bad.json")
    inline, dask = tmp_path / "inline", tmp_path / "dask"
    expected = run_batch(paths, formats, inline, jobs=1)
    # In-process cluster (threads): quick to start, same worker function.
    summary = run_batch(paths, formats, dask, executor="dask", jobs=2, dask_processes=False,
                        chunk_size=2)
    assert summary.executor == "dask"
    assert [f.to_dict() for f in summary.failed] == [f.to_dict() for f in expected.failed]
    assert [p.name for p in summary.written] == [p.name for p in expected.written]
    assert outputs(dask) == outputs(inline)
    # The manifest is the same kind of record: an unchanged re-run on Dask skips all.
    again = run_batch(paths, formats, dask, executor="dask", jobs=2, dask_processes=False)
    assert again.written == [] and len(again.skipped) == len(expected.written)


def test_dask_timeout_in_worker_threads(tmp_path: Path) -> None:
    [huge] = make_articles(tmp_path / "in", 0, huge=100)
    summary = run_batch([huge], ["html"], tmp_path / "out", executor="dask", jobs=1,
                        dask_processes=False, timeout=0.001)
    assert [f.reason for f in summary.failed] == [f"{huge}: html: render timed out after 0.001 s"]


def test_cli_dask_executor_with_worker_processes(tmp_path: Path) -> None:
    """``--executor dask`` starts a LocalCluster of worker processes (as --scheduler would use)."""
    src = tmp_path / "in"
    make_articles(src, 2, small=True)
    out = tmp_path / "out"
    result = exporter_cmd("export", str(src), "-f", "html", "-o", str(out), "--executor", "dask",
                          "--jobs", "1", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["executor"] == "dask"
    assert summary["written"] == [str(out / "story-000.html"), str(out / "story-001.html")]
    assert set(outputs(out)) == {"story-000.html", "story-001.html"}


def test_unreachable_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    src = tmp_path / "in"
    make_articles(src, 1, small=True)
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"}
    result = exporter_cmd("export", str(src), "-f", "html", "-o", str(tmp_path / "out"),
                          "--scheduler", "tcp://127.0.0.1:9", env=env, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr
