"""Helpers for the batch tests: folders of distinct articles made from the fixtures."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ARTICLES

TRAM = ARTICLES / "tram-line"


def available(*names: str) -> list[str]:
    """The formats among ``names`` whose writer can run here."""
    from exporter.errors import ExporterError
    from exporter.registry import get_registry

    found = []
    for name in names:
        try:
            get_registry().writer_class(name)
            found.append(name)
        except ExporterError:
            pass
    return found


def make_articles(folder: Path, count: int, *, huge: int = 0, prefix: str = "story",
                  small: bool = False) -> list[Path]:
    """``count`` distinct articles (the tram-line fixture, varied) with its images.

    ``small`` articles have a headline and one paragraph (quick to render).
    With ``huge``, one more article whose body is the fixture's text repeated
    ``huge`` times (slow to lay out as PDF: about 16 s at 100 on a busy 2-core machine).
    """
    folder.mkdir(parents=True, exist_ok=True)
    for image in ("tram.jpg", "route-map.png"):
        shutil.copy(TRAM / image, folder / image)
    base = json.loads((TRAM / "article.json").read_text(encoding="utf-8"))
    paths = []
    for i in range(count):
        doc = copy.deepcopy(base)
        doc["id"] = f"{prefix}-{i:03d}"
        doc["headline"] = f"{base['headline']} (part {i + 1})"
        doc["body"] = [{"type": "paragraph", "content": f"Update {i + 1}: the vote was {31 + i} to 18."},
                       *base["body"][i % 3:]]
        if small:
            doc = {"id": doc["id"], "headline": doc["headline"], "body": doc["body"][:1]}
        path = folder / f"{prefix}-{i:03d}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    if huge:
        doc = copy.deepcopy(base)
        doc["id"] = "huge"
        doc["headline"] = "A very long article"
        doc["body"] = [b for b in base["body"] if b["type"] != "figure"] * huge
        path = folder / "huge.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


def exporter_cmd(*args: str, cwd: Path | None = None, env: dict | None = None,
                 timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exporter", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=timeout)


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output file in ``folder`` (not hidden) by name, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".")}
