"""Many articles -> one feed: selection, ordering, embargo, limits, locking, scheduling.

Rules (issue 6, docs/feeds.md):

- items newest first by ``published`` (ties by id), at most ``limit``;
- an article whose ``published`` is after the clock, or whose ``embargo``
  has not passed, is withheld; it appears on the first run after that time;
- an article without ``published`` is left out with a warning naming it;
- ``lastBuildDate`` / ``updated`` is the newest item date (published,
  updated, embargo lifted), never the wall clock: a run with nothing changed
  produces identical bytes and leaves the file (and its mtime) alone;
- the feed is written atomically, under a lock file ``<out>.lock``; a folder
  where the lock or the feed cannot be created, or a lock that is a symlink, is
  one error line naming the file (:class:`FeedOutputError`), not "another run";
- one bad article is reported and skipped, the rest still make the feed.

The feed is written by whichever registered writer declares the feed format
(``feed_formats``, with ``feed_item`` and ``write_feed``: the RSS writer for
``rss`` and ``atom``); this module knows no writer's internals.

Selection works on the loaded models before anything is rendered (``limit=50``
renders 50 items); a :class:`FeedBuilder` kept alive (``--every``) reuses what
it loaded and rendered for unchanged files and forgets everything else.
"""

from __future__ import annotations

import gc
import logging
import os
import stat
import time
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.errors import ExporterError, ResourceError, UsageError

if TYPE_CHECKING:
    from exporter.model import Article
    from exporter.writers import WriteOptions, Writer

#: a writer's feed item, opaque here (it is handed back to the writer's ``write_feed``)
FeedItem = Any
#: a file the item refers to: ``relpath`` and ``read()``
Companion = Any

log = logging.getLogger("exporter")

#: exit status when another run holds the lock (sysexits EX_TEMPFAIL: try again later)
EXIT_LOCKED = 75
DEFAULT_LOCK_TIMEOUT = 10.0
#: the built-in feed formats (the RSS writer's); plugin writers may add others
FORMATS = ("rss", "atom")


class FeedLockedError(ExporterError):
    """Another run holds the feed's lock file."""


class FeedOutputError(ExporterError):
    """The feed, its lock or its pictures cannot be written where asked (exit status 1)."""


def feed_writer(fmt: str) -> Writer:
    """The registered writer that writes feeds in ``fmt`` (declares it in ``feed_formats``).

    Raises :class:`UsageError` naming the feed formats the installed writers offer.
    """
    from exporter.errors import UnavailableError
    from exporter.registry import get_registry

    registry = get_registry()
    offered: list[str] = []
    for name in sorted(registry.writers, key=lambda n: (n != "rss", n)):
        try:
            cls = registry.writer_class(name)
        except UnavailableError:
            continue
        formats = tuple(getattr(cls, "feed_formats", ()))
        if fmt in formats and callable(getattr(cls, "write_feed", None)):
            return registry.writer(name)
        offered += [f for f in formats if f not in offered]
    raise UsageError(f"unknown feed format {fmt!r}; known: {', '.join(offered) or '(none)'}")


def _absolute_http(url: str | None) -> bool:
    if not url:
        return False
    parts = urllib.parse.urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


@dataclass(frozen=True)
class FeedSettings:
    """What the feed says about itself, and how it is built."""

    title: str
    link: str
    description: str | None = None
    language: str | None = None
    base_url: str | None = None
    fmt: str = "rss"
    limit: int | None = None
    #: where the feed is published; default ``<base_url><out name>``
    self_url: str | None = None
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT

    def __post_init__(self) -> None:
        if not (self.title or "").strip():
            raise UsageError("the feed needs a title (--title or 'title' in the config)")
        if not _absolute_http(self.link):
            raise UsageError("the feed needs --link, the absolute http(s) URL of the site "
                             f"(got {self.link!r})")
        if self.limit is not None and self.limit < 1:
            raise UsageError(f"--limit must be at least 1 (got {self.limit})")
        if self.self_url is not None and not _absolute_http(self.self_url):
            raise UsageError(f"self_url {self.self_url!r} is not an absolute http(s) URL")
        if self.base_url and not _absolute_http(self.base_url):
            raise UsageError(f"--base-url {self.base_url!r} is not an absolute http(s) URL")
        feed_writer(self.fmt)  # refuses a format no installed writer offers


@dataclass
class FeedResult:
    """What one build did."""

    path: Path
    fmt: str
    #: False when the bytes equal the existing file, which was left untouched
    changed: bool = False
    #: ids of the articles in the feed, in feed order
    items: list[str] = field(default_factory=list)
    #: (article, time it may appear) for articles held back by the clock or an embargo
    withheld: list[tuple[str, datetime]] = field(default_factory=list)
    #: articles left out because they have no ``published`` date
    undated: list[str] = field(default_factory=list)
    #: one line per article that could not be read or rendered
    failures: list[str] = field(default_factory=list)
    #: ``lastBuildDate`` / ``updated`` written
    updated: datetime | None = None

    @property
    def next_release(self) -> datetime | None:
        """When the next withheld article may appear (the ``--every`` loop wakes then)."""
        return min((when for _, when in self.withheld), default=None)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


@dataclass
class _Entry:
    article: Article
    name: str  # how messages name it: its file, else its id
    key: tuple[Any, ...] | None  # cache key; None: not cacheable (an Article passed in)


def _stat_key(path: str | Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _release_time(article: Article) -> datetime:
    """When an article may appear: its publication, or its embargo if that is later."""
    return max(d for d in (article.published, article.embargo) if d is not None)


class FeedBuilder:
    """Builds one feed file again and again; keeps only what the last build used."""

    def __init__(self, settings: FeedSettings, options: WriteOptions | None = None) -> None:
        from dataclasses import replace

        from exporter.writers import WriteOptions

        self.settings = settings
        base = options or WriteOptions()
        self.options = replace(base, base_url=settings.base_url, title=settings.title)
        self.writer = feed_writer(settings.fmt)
        self._style_checked = False
        self._articles: dict[str, tuple[tuple[int, int, int], Article]] = {}
        self._items: dict[tuple[Any, ...], tuple[FeedItem, list[Companion]]] = {}
        self._last: tuple[Any, bytes] = (None, b"")

    # -- inputs ---------------------------------------------------------------------

    def _gather(self, sources: Iterable[Article | str | Path], result: FeedResult) -> list[_Entry]:
        from exporter.api import load
        from exporter.model import Article

        entries: list[_Entry] = []
        seen: dict[str, tuple[tuple[int, int, int], Article]] = {}
        for source in sources:
            if isinstance(source, Article):
                entries.append(_Entry(source, str(source.origin or source.id), None))
                continue
            def refuse(path: str, why: str) -> None:
                result.failures.append(f"{path}: {why}")

            for path in input_files([source], refuse):  # strings: Paths cost here at 10k files
                try:
                    key = _stat_key(path)
                    cached = self._articles.get(path)
                    article = cached[1] if cached and cached[0] == key else load(path)
                except ExporterError as exc:
                    result.failures.append(str(exc.with_source(path)))
                    continue
                except Exception as exc:  # a reader bug: name the file, keep going
                    result.failures.append(f"{path}: {type(exc).__name__}: {exc}")
                    continue
                seen[path] = (key, article)
                entries.append(_Entry(article, path, (path, key)))
        self._articles = seen  # forget files that are gone or changed
        return entries

    def _select(self, entries: list[_Entry], now: datetime, result: FeedResult) -> list[_Entry]:
        """Drop duplicates, undated, future and embargoed articles; newest first."""
        by_id: dict[str, str] = {}
        by_url: dict[str, str] = {}
        eligible: list[_Entry] = []
        for entry in entries:
            article = entry.article
            other = by_id.get(article.id) or (by_url.get(article.url) if article.url else None)
            if other is not None:
                result.failures.append(f"{entry.name}: id/url: same article as {other} "
                                       "(ids and urls must be unique in a feed); left out")
                continue
            by_id[article.id] = entry.name
            if article.url:
                by_url[article.url] = entry.name
            if article.published is None:
                log.warning("%s: published: no publication date; left out of the feed",
                            entry.name)
                result.undated.append(entry.name)
                continue
            release = _release_time(article)
            if release > now:
                result.withheld.append((entry.name, release))
                continue
            eligible.append(entry)
        eligible.sort(key=lambda e: e.article.id)
        eligible.sort(key=lambda e: e.article.published, reverse=True)  # type: ignore[arg-type,return-value]
        return eligible

    # -- rendering --------------------------------------------------------------------

    def _image_key(self, article: Article) -> tuple[Any, ...]:
        """Stats of the local pictures, so a replaced image is re-read."""
        from exporter.resources import ResourceGate, image_fields

        stats: list[Any] = []
        for _, image in image_fields(article):
            if ResourceGate.scheme(image.src) in ("", "file"):
                try:
                    stats.append(_stat_key(article.base_dir / image.src.split("?")[0]))
                except OSError:
                    stats.append(None)
        return tuple(stats)

    def _item(self, entry: _Entry, used: dict[tuple[Any, ...], Any]
              ) -> tuple[FeedItem, list[Companion], tuple[Any, ...] | None]:
        key = None
        if entry.key is not None:
            key = (*entry.key, self._image_key(entry.article))
            cached = self._items.get(key)
            if cached is not None:
                used[key] = cached
                return (*cached, key)
        made = self.writer.feed_item(entry.article, self.options)  # type: ignore[attr-defined]
        if key is not None:
            used[key] = made
        return (*made, key)

    def _channel(self, out: Path, articles: Sequence[Article], now: datetime) -> dict[str, Any]:
        """The feed-level fields, as the writer's ``write_feed`` takes them."""
        s = self.settings
        stamps = [d for a in articles for d in (a.published, a.updated, a.embargo)
                  if d is not None and d <= now]
        languages = {a.language for a in articles}
        language = s.language or (languages.pop() if len(languages) == 1 else None)
        return {"title": s.title, "link": s.link, "description": s.description or s.title,
                "language": language, "self_url": s.self_url, "name": out.name,
                "updated": max(stamps, default=None), "author": s.title}

    def _check_style(self) -> None:
        """Every text file of the user's style folder is readable UTF-8, once per builder.

        A broken template would otherwise fail every article with a line naming the
        article; this names the style file, once.
        """
        if self._style_checked or self.options.style_dir is None:
            return
        for path in sorted(Path(self.options.style_dir).rglob("*")):
            if path.suffix.lower() not in (".j2", ".jinja", ".html", ".css", ".xml"):
                continue
            try:
                if path.is_dir():
                    continue
                path.read_bytes().decode("utf-8")
            except OSError as exc:
                raise ResourceError(f"style file cannot be read: {exc.strerror or exc}",
                                    source=path) from None
            except UnicodeDecodeError as exc:
                raise ResourceError(f"style file is not UTF-8 text (byte {exc.start})",
                                    source=path) from None
        self._style_checked = True

    @staticmethod
    def _prepare_output(out: Path, lock_path: Path) -> None:
        """Create the folder and the lock file, or say what stops it (never "locked").

        filelock retries any failure to create its file until the timeout and then
        reports a held lock: a read-only folder or ``/proc`` looked like another run.
        """
        if out.parent.exists() and not out.parent.is_dir():
            raise FeedOutputError("is not a folder, so the feed cannot go in it",
                                  source=out.parent)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FeedOutputError(f"cannot create the feed's folder: {exc.strerror or exc}",
                                  source=out.parent) from None
        if out.is_dir():
            raise FeedOutputError("is a folder; the feed must be a file", source=out)
        if lock_path.is_symlink():
            raise FeedOutputError("the lock file is a symlink; refusing to follow it "
                                  "(remove it)", source=lock_path)
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            raise FeedOutputError(f"cannot create the lock file: {exc.strerror or exc}",
                                  source=lock_path) from None
        os.close(fd)
        if not os.access(out.parent, os.W_OK | os.X_OK):
            raise FeedOutputError("cannot write in the feed's folder: permission denied",
                                  source=out.parent)

    # -- one build --------------------------------------------------------------------

    def build(self, sources: Iterable[Article | str | Path], out: str | Path,
              now: datetime | None = None) -> FeedResult:
        """Build the feed at ``out`` from files, folders or Article objects.

        ``now`` decides what is published (default: the system clock) and is never written.
        Raises :class:`FeedLockedError` after ``lock_timeout``, :class:`FeedOutputError`
        when the feed or its lock cannot be written there, and
        :class:`~exporter.errors.ResourceError` for an unreadable style file; article
        problems go to ``failures``."""
        from filelock import FileLock, Timeout

        now = now or datetime.now(UTC)
        if now.tzinfo is None:
            raise UsageError("the clock (--now) needs a UTC offset, e.g. 2026-03-02T18:30:00+00:00")
        out = Path(out)
        result = FeedResult(out, self.settings.fmt)
        lock_path = out.with_name(out.name + ".lock")
        self._prepare_output(out, lock_path)
        self._check_style()
        lock = FileLock(lock_path, timeout=self.settings.lock_timeout)
        try:
            lock.acquire()
        except Timeout:
            raise FeedLockedError(f"another run holds the lock {lock.lock_file} "
                                  f"(waited {self.settings.lock_timeout:g} s); try again later",
                                  source=out) from None
        collecting = gc.isenabled()
        gc.disable()  # many objects, few cycles: collector passes cost ~20% and free little
        try:
            self._build_locked(list(sources), out, now, result)
        finally:
            lock.release()
            if collecting:
                gc.enable()
        return result

    def _build_locked(self, sources: list[Any], out: Path, now: datetime,
                      result: FeedResult) -> None:
        import io

        from exporter.output import atomic_write

        entries = self._select(self._gather(sources, result), now, result)
        used: dict[tuple[Any, ...], Any] = {}
        items: list[FeedItem] = []
        chosen: list[Article] = []
        companions: list[Companion] = []
        keys: list[Any] = []
        limit = self.settings.limit or len(entries)
        for entry in entries:  # render only what the feed shows; a failure lets the next in
            if len(items) >= limit:
                break
            try:
                item, files, key = self._item(entry, used)
            except ExporterError as exc:
                result.failures.append(str(exc.with_source(entry.name)))
                continue
            except Exception as exc:  # a rendering bug: report it, keep the feed going
                result.failures.append(f"{entry.name}: {type(exc).__name__}: {exc}")
                continue
            items.append(item)
            chosen.append(entry.article)
            companions += files
            keys.append(key)
            result.items.append(entry.article.id)
        self._items = used  # forget renders the feed no longer shows
        channel = self._channel(out, chosen, now)
        signature = None if None in keys else (tuple(keys), sorted(channel.items()))
        if signature is not None and signature == self._last[0]:
            data = self._last[1]  # same items, same channel: the same bytes as last time
        else:
            buffer = io.BytesIO()
            self.writer.write_feed(items, channel, buffer, self.options,  # type: ignore[attr-defined]
                                   self.settings.fmt)
            data = buffer.getvalue()
            self._last = (signature, data)
        result.updated = channel["updated"]
        target = out
        try:
            for companion in companions:  # pictures first, so the feed never points at nothing
                target = out.parent / companion.relpath
                if not target.is_file():  # names carry a content hash: present means identical
                    with atomic_write(target, skip_if_same=True) as stream:
                        stream.write(companion.read())
            target = out
            try:
                result.changed = out.read_bytes() != data
            except FileNotFoundError:
                result.changed = True
            if result.changed:
                with atomic_write(out) as stream:
                    stream.write(data)
        except OSError as exc:
            raise FeedOutputError(f"cannot write: {exc.strerror or exc}", source=target) from None


def input_files(inputs: Iterable[str | Path],
                refused: Callable[[str, str], None] | None = None) -> list[str]:
    """Files as given; folders walked (sorted, hidden entries skipped) for readable files.

    A file found in a folder must really be in it: a symlink that leads out of
    the folder, or a FIFO or device, would let a folder publish any local file
    (or hang the run), so it is left out and ``refused(path, why)`` is told.
    Only those few entries cost a ``resolve``; plain files cost one ``lstat``.
    """
    from exporter.registry import get_registry
    from exporter.resources import folder_refusal

    suffixes = get_registry().input_suffixes()
    found: list[str] = []
    for raw in inputs:
        if not os.path.isdir(raw):
            found.append(str(raw))
            continue
        files: list[str] = []
        for top, dirs, names in os.walk(raw):  # os.walk: pathlib's rglob is 5x slower here
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                if name.startswith(".") or os.path.splitext(name)[1].lower() not in suffixes:
                    continue
                path = os.path.join(top, name)
                try:
                    plain = stat.S_ISREG(os.lstat(path).st_mode)
                except OSError:
                    plain = False
                why = None if plain else folder_refusal(Path(path), Path(raw))
                if why is None:
                    files.append(path)
                elif refused is not None:
                    refused(path, why)
        found += sorted(files, key=lambda f: f.split(os.sep))
    return found


def build_feed(articles_or_paths: Iterable[Article | str | Path], out: str | Path, *,
               title: str, link: str, description: str | None = None,
               language: str | None = None, base_url: str | None = None, fmt: str = "rss",
               limit: int | None = None, now: datetime | None = None,
               self_url: str | None = None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
               options: WriteOptions | None = None) -> FeedResult:
    """Build one RSS 2.0 or Atom 1.0 feed from articles (objects, files or folders).

    See the module docstring for the rules. Returns a :class:`FeedResult`;
    raises :class:`UsageError` for bad settings and :class:`FeedLockedError`
    when another run holds ``<out>.lock`` for more than ``lock_timeout`` s.
    """
    settings = FeedSettings(title=title, link=link, description=description, language=language,
                            base_url=base_url, fmt=fmt, limit=limit, self_url=self_url,
                            lock_timeout=lock_timeout)
    return FeedBuilder(settings, options).build(articles_or_paths, out, now)


def run_every(builder: FeedBuilder, sources: Sequence[str | Path], out: Path, period: float,
              report: Any, sleep: Any = time.sleep) -> None:
    """Rebuild every ``period`` seconds, and as soon as a withheld article may appear.

    ``report(result_or_error)`` follows each run. Ends only by KeyboardInterrupt (Ctrl-C;
    SIGTERM becomes one), between or during runs, without leaving a partial file."""
    import signal

    def _terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        while True:
            started = time.monotonic()
            next_release = None
            try:
                result = builder.build(sources, out)
                next_release = result.next_release
                report(result)
            except ExporterError as exc:  # lock held, unreadable folder...: try next time
                report(exc)
            wait = period - (time.monotonic() - started)
            if next_release is not None:
                wait = min(wait, (next_release - datetime.now(UTC)).total_seconds() + 0.05)
            sleep(max(wait, 0.05))
    finally:
        signal.signal(signal.SIGTERM, previous)

