"""Settings for ``exporter feed`` from a config file, and the parsers of its values.

Looked up in the current folder, first match wins:

1. ``exporter.toml``: the ``[feed]`` table, or top-level keys;
2. ``pyproject.toml``: ``[tool.exporter.feed]``, or keys directly in ``[tool.exporter]``.

``--config FILE`` names the file instead (either kind). Command-line flags
win over the file. Relative paths in the file (``inputs``, ``out``,
``style``, ``allow_roots``) are relative to the file's folder, so a cron
line works from any directory. Unknown keys are an error (a typo must not
silently fall back to a default); tables inside the section are left alone.
"""

from __future__ import annotations

import re
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

from exporter.errors import UsageError

#: key -> accepted Python types (after TOML parsing)
KEYS: dict[str, tuple[type, ...]] = {
    "inputs": (list, str),
    "out": (str,),
    "title": (str,),
    "link": (str,),
    "description": (str,),
    "language": (str,),
    "base_url": (str,),
    "self_url": (str,),
    "format": (str,),
    "limit": (int,),
    "lock_timeout": (int, float),
    "every": (str, int, float),
    "style": (str,),
    "allow_roots": (list, str),
}
_PATH_KEYS = ("inputs", "out", "style", "allow_roots")


def find_config(cwd: Path) -> Path | None:
    """``exporter.toml``, else a ``pyproject.toml`` with a ``[tool.exporter]`` table."""
    candidate = cwd / "exporter.toml"
    if candidate.is_file():
        return candidate
    candidate = cwd / "pyproject.toml"
    if candidate.is_file():
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None  # not ours to complain about unless it names us
        if isinstance(data.get("tool"), dict) and "exporter" in data["tool"]:
            return candidate
    return None


def load_config(path: Path | None = None, cwd: Path | None = None) -> dict[str, Any]:
    """The feed settings of ``path`` (or the one found in ``cwd``); {} when there is none."""
    if path is None:
        path = find_config(cwd or Path.cwd())
        if path is None:
            return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError("config file not found", source=path) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read config: {exc}", source=path) from None
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        section = tool.get("exporter", {}) if isinstance(tool, dict) else {}
        where, sub = "[tool.exporter]", "[tool.exporter.feed]"
    else:
        section, where, sub = data, "the top level", "[feed]"
    if not isinstance(section, dict):
        raise UsageError(f"{where} must be a table", source=path)
    if isinstance(section.get("feed"), dict):
        section, where = section["feed"], sub
    settings: dict[str, Any] = {}
    for raw_key, value in section.items():
        if isinstance(value, dict):
            continue  # another command's table
        key = raw_key.replace("-", "_")
        if key not in KEYS:
            raise UsageError(f"unknown setting {raw_key!r} in {where}; known: "
                             f"{', '.join(sorted(KEYS))}", source=path)
        if not isinstance(value, KEYS[key]) or isinstance(value, bool):
            kinds = " or ".join(t.__name__ for t in KEYS[key])
            raise UsageError(f"setting {raw_key!r} must be a {kinds}", source=path)
        if key in _PATH_KEYS:
            values: list[object] = list(value) if isinstance(value, list) else [value]
            if not all(isinstance(v, str) for v in values):
                raise UsageError(f"setting {raw_key!r} must list paths as strings", source=path)
            resolved = [str(path.parent / str(v)) for v in values]
            value = resolved if key in ("inputs", "allow_roots") else resolved[0]
        settings[key] = value
    return settings


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)", re.IGNORECASE)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str | float) -> float:
    """``90``, ``30s``, ``10m``, ``1h30m``, ``1d`` -> seconds (at least 1)."""
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        compact = text.strip().replace(" ", "")
        parts = _DURATION.findall(compact)
        if not compact or "".join(n + u for n, u in parts).lower() != compact.lower():
            raise UsageError(f"--every {text!r} is not a duration like 30s, 10m, 1h or 1h30m")
        seconds = sum(float(n) * _UNIT[u.lower()] for n, u in parts)
    if seconds < 1:
        raise UsageError(f"--every {text!r} is shorter than one second")
    return seconds


def parse_now(text: str) -> datetime:
    """``--now``: an ISO 8601 instant with a UTC offset (``Z`` allowed)."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--now {text!r} is not an ISO 8601 date and time") from None
    if when.tzinfo is None:
        raise UsageError(f"--now {text!r} needs a UTC offset, e.g. {text}+00:00")
    return when


# --- the `exporter feed` command (cli/ declares the options, this runs them) -----------


def _summary(result: Any) -> str:
    state = "wrote" if result.changed else "unchanged (file left alone):"
    parts = [f"{len(result.items)} item(s)"]
    if result.withheld:
        parts.append(f"{len(result.withheld)} withheld (next at "
                     f"{result.next_release.isoformat()})")
    if result.undated:
        parts.append(f"{len(result.undated)} without a publication date")
    if result.failures:
        parts.append(f"{len(result.failures)} failed")
    return f"exporter: {state} {result.path}: {', '.join(parts)}"


def run_feed(inputs: tuple[str, ...], flags: dict[str, Any], config_path: Path | None,
             echo: Any, fail: Any) -> int:
    """Merge flags over the config file, build (once or ``--every``), return the exit status.

    ``echo(line)`` prints progress (None when quiet); ``fail(exc)`` reports an
    error line. Raises :class:`UsageError` for bad settings.
    """
    from exporter.errors import ExporterError
    from exporter.feed import EXIT_LOCKED, FeedBuilder, FeedLockedError, FeedSettings, run_every
    from exporter.writers import WriteOptions

    merged = load_config(config_path)
    merged.update({k: v for k, v in flags.items() if v not in (None, ())})
    if inputs:
        merged["inputs"] = list(inputs)
    sources = merged.get("inputs") or []
    sources = [sources] if isinstance(sources, str) else list(sources)
    if not sources:
        raise UsageError("no INPUT: pass article files or folders, or set 'inputs' in the config")
    missing = [s for s in sources if not Path(s).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(map(str, missing))}")
    if not merged.get("out"):
        raise UsageError("no output file: pass -o FILE, or set 'out' in the config")
    if merged.get("every") is not None and merged.get("now"):
        raise UsageError("--now fixes the clock, --every follows it: use one or the other")
    settings = FeedSettings(
        title=merged.get("title") or "", link=merged.get("link") or "",
        description=merged.get("description"), language=merged.get("language"),
        base_url=merged.get("base_url"), fmt=(merged.get("format") or "rss").lower(),
        limit=merged.get("limit"), self_url=merged.get("self_url"),
        lock_timeout=float(merged.get("lock_timeout", 10.0)))
    style = merged.get("style")
    options = WriteOptions(style_dir=Path(style) if style else None,
                           allow_roots=tuple(Path(p) for p in merged.get("allow_roots") or ()))
    builder = FeedBuilder(settings, options)
    out = Path(merged["out"])

    def report(outcome: Any) -> None:
        if isinstance(outcome, ExporterError):
            fail(outcome)
            return
        for line in outcome.failures:
            fail(ExporterError(line))
        if echo is not None:
            echo(_summary(outcome))

    if merged.get("every") is not None:
        period = parse_duration(merged["every"])
        if echo is not None:
            echo(f"exporter: rebuilding {out} every {period:g} s; Ctrl-C stops")
        try:
            run_every(builder, sources, out, period, report)
        except KeyboardInterrupt:
            if echo is not None:
                echo("exporter: stopped")
        return 0
    now = parse_now(merged["now"]) if merged.get("now") else None
    try:
        result = builder.build(sources, out, now)
    except FeedLockedError as exc:
        fail(exc)
        return EXIT_LOCKED
    except UsageError:
        raise
    except ExporterError as exc:  # the output folder, the lock file, a style file: one line
        fail(exc)
        return 1
    report(result)
    return result.exit_code
