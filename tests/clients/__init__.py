"""The real programs readers open our files with, run from the tests.

``scripts/setup.sh --test`` installs them: DAISY Ace (npm ``@daisy/ace``,
pinned by ``package-lock.json`` in this folder, run with Debian's chromium),
pandoc and calibre (Debian). A test that needs one skips, naming the missing
program and the set-up command, only when it is not installed.

No network at test time: Ace checks the EPUB in a local chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ACE = HERE / "node_modules" / ".bin" / "ace-puppeteer"
SETUP = "bash scripts/setup.sh --test"


def chromium() -> str | None:
    """Debian's chromium (Ace's puppeteer must not download its own browser)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def need(program: str) -> str:
    """The path of ``program``, or skip the test saying how to install it."""
    found = shutil.which(program)
    if not found:
        pytest.skip(f"{program} is not installed (run {SETUP})")
    return found


@dataclass(frozen=True)
class Violation:
    """One failed Ace assertion: the rule, its impact and the file it was found in."""

    rule: str
    impact: str
    where: str
    title: str


def ace(epub: Path, out: Path) -> list[Violation]:
    """Run DAISY Ace on ``epub``; every violation in its JSON report.

    ``ace-puppeteer`` is Ace's command line with the puppeteer runner (plain
    ``ace`` needs Electron, whose binary is a download);
    ``PUPPETEER_EXECUTABLE_PATH`` points it at the system chromium.
    """
    browser = chromium()
    if not ACE.exists() or browser is None:
        pytest.skip(f"DAISY Ace or chromium is not installed (run {SETUP})")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": browser}
    done = subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(out), str(epub)],
                          env=env, capture_output=True, text=True, timeout=300)
    report_path = out / "report.json"
    if done.returncode != 0 or not report_path.exists():
        raise AssertionError(f"Ace failed on {epub.name} (exit {done.returncode}): "
                             f"{done.stderr[-2000:]}")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    found: list[Violation] = []
    for subject in report.get("assertions", []):
        where = subject.get("earl:testSubject", {}).get("url", "")
        for assertion in subject.get("assertions", []):
            test = assertion.get("earl:test", {})
            found.append(Violation(test.get("dct:title", "?"), test.get("earl:impact", "?"),
                                   where, test.get("dct:description", "")))
    return found


def ace_version() -> str:
    """The installed @daisy/ace version (for the docs' client table)."""
    data = json.loads((HERE / "node_modules" / "@daisy" / "ace" / "package.json").read_text())
    return str(data["version"])


def run(args: list[str], timeout: int = 180) -> str:
    """A client's standard output; its exit status and standard error on failure."""
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"{args[0]} exited {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout
