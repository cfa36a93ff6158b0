"""Where the rendering's words, punctuation and date patterns come from, per language.

Every language has one catalogue in the style, ``locales/<tag>.toml``
(``[labels]``, ``[punctuation]``, ``[dates]``); a user ``--style DIR`` with the
same file name wins key by key, and any key a catalogue lacks comes from
English. A tag falls back by subtag (``pt-BR`` -> ``pt`` -> ``en``; ``zh-TW``,
``zh-HK`` and ``zh-Hant*`` -> ``zh-Hant``; ``zh``, ``zh-CN``, ``zh-SG`` ->
``zh-Hans``); a language with no catalogue at all is worded in English with
ONE warning per run per language.

How dates are written is a house-style setting in ``locale.toml`` at the top of
the style folder (``[dates] date_format``, ``time_format``, ``zone``): CLDR
lengths or skeletons, applied by Babel in the article's language and its own
UTC offset. See ``docs/i18n.md``.

The catalogue search follows the style a writer renders with: the
:class:`~exporter.rendering.html.Renderer` activates its style
(:func:`using_style`) and a writer may pass ``style=`` explicitly; otherwise
the default house style is read.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from exporter.errors import UsageError

if TYPE_CHECKING:
    from babel import Locale

    from exporter.rendering.style import Style

log = logging.getLogger("exporter")

#: the catalogue every other one falls back to, key by key
BASE = "en"
#: Chinese tags that mean traditional characters
_HANT_REGIONS = {"tw", "hk", "mo"}
#: CLDR lengths Babel knows for dates and times; anything else is a skeleton
LENGTHS = ("short", "medium", "long", "full")
#: how the UTC offset is shown after the time
ZONES = ("gmt", "offset", "none")

_active: ContextVar[Style | None] = ContextVar("exporter_style", default=None)
_warned: set[str] = set()


class Quotes(NamedTuple):
    """A language's quotation marks: primary pair, then the pair for a quote in a quote."""

    open: str
    close: str
    inner_open: str
    inner_close: str


@dataclass(frozen=True)
class Catalogue:
    """One language's words and punctuation, merged from the style folders."""

    #: the catalogue file found (``fr``, ``zh-Hant``), or ``en`` when none was
    name: str
    labels: dict[str, str]
    punctuation: dict[str, Any]
    dates: dict[str, str]

    @property
    def quotes(self) -> Quotes:
        return Quotes(*self.punctuation["quotes"])


@dataclass(frozen=True)
class DateSettings:
    """The house style's date pattern (``locale.toml`` ``[dates]``)."""

    date_format: str = "long"
    time_format: str = "short"
    zone: str = "gmt"


@contextmanager
def using_style(style: Style | None) -> Iterator[None]:
    """Read catalogues and date settings from ``style`` inside the block."""
    token = _active.set(style)
    try:
        yield
    finally:
        _active.reset(token)


def _style(style: Style | None) -> Style:
    from exporter.rendering.style import Style

    return style or _active.get() or Style()


def candidates(tag: str) -> list[str]:
    """Catalogue names to try for a BCP 47 tag, most specific first (``en`` not included)."""
    subtags = [s for s in tag.replace("_", "-").split("-") if s]
    if not subtags:
        return []
    primary = subtags[0].lower()
    rest = [s.lower() for s in subtags[1:]]
    if primary == "zh":
        script = "Hant" if ("hant" in rest or _HANT_REGIONS & set(rest)) else "Hans"
        return [f"zh-{script}"]
    out = []
    for n in range(len(subtags), 1, -1):
        out.append("-".join([primary, *(s if len(s) != 2 else s.upper() for s in subtags[1:n])]))
    out.append(primary)
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None


def _merge(into: dict[str, Any], layer: dict[str, Any]) -> None:
    for section, values in layer.items():
        if isinstance(values, dict):
            into.setdefault(section, {}).update(values)
        else:
            into[section] = values


def _layers(dirs: tuple[Path, ...], name: str) -> list[dict[str, Any]]:
    """The file ``name`` from each style folder, default style first (the user's wins)."""
    return [_read_toml(d / name) for d in reversed(dirs) if (d / name).is_file()]


@lru_cache(maxsize=256)
def _catalogue(dirs: tuple[Path, ...], tag: str) -> Catalogue:
    data: dict[str, Any] = {}
    for layer in _layers(dirs, f"locales/{BASE}.toml"):
        _merge(data, layer)
    found = BASE
    for name in candidates(tag):
        layers = _layers(dirs, f"locales/{name}.toml")
        if layers:
            found = name
            if name != BASE:
                data.get("dates", {}).pop("cldr_locale", None)  # English's region is not theirs
                data.get("dates", {}).pop("datetime_pattern", None)
            for layer in layers:
                _merge(data, layer)
            break
    else:
        primary = tag.split("-")[0].lower()
        if primary != BASE and primary not in _warned:
            _warned.add(primary)
            log.warning("language %r has no catalogue in the style (locales/%s.toml): "
                        "the rendering's own words are in English", tag, primary)
        data.get("dates", {}).pop("cldr_locale", None)
    for section in ("labels", "punctuation", "dates"):
        data.setdefault(section, {})
    return Catalogue(found, dict(data["labels"]), dict(data["punctuation"]), dict(data["dates"]))


def catalogue(language: str, style: Style | None = None) -> Catalogue:
    """The words and punctuation for ``language`` (a BCP 47 tag), with fallbacks."""
    return _catalogue(_style(style).dirs, language or BASE)


@lru_cache(maxsize=16)
def _date_settings(dirs: tuple[Path, ...]) -> DateSettings:
    data: dict[str, Any] = {}
    for layer in _layers(dirs, "locale.toml"):
        _merge(data, layer)
    dates = data.get("dates", {})
    settings = DateSettings(**{k: str(v) for k, v in dates.items()
                               if k in DateSettings.__dataclass_fields__})
    if settings.zone not in ZONES:
        raise UsageError(f"locale.toml: [dates] zone must be one of {', '.join(ZONES)}, "
                         f"not {settings.zone!r}")
    return settings


def date_settings(style: Style | None = None) -> DateSettings:
    """The house style's date pattern, the user's ``locale.toml`` over the default one."""
    return _date_settings(_style(style).dirs)


@lru_cache(maxsize=256)
def cldr_locale(tag: str, fallback: str | None) -> Locale:
    """The Babel locale for a tag; a bare tag may take its catalogue's ``cldr_locale``
    (``en`` -> ``en_GB``), and a tag CLDR does not know takes English."""
    from babel import Locale, UnknownLocaleError

    parts = tag.replace("_", "-").split("-")
    if len(parts) == 1 and fallback:
        tag = fallback
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(fallback or "en_GB")


def _unquote(pattern: str) -> str:
    """A CLDR pattern's quoted literals as text (``{1} 'à' {0}`` -> ``{1} à {0}``)."""
    return re.sub(r"'([^']*)'", lambda m: m.group(1) or "'", pattern)


def _zone(value: datetime, locale: Locale, how: str) -> str:
    """The offset as CLDR's short localized GMT format (``GMT+1``, ``UTC+5:30``),
    as ISO (``+01:00``), or nothing."""
    offset = value.utcoffset()
    if how == "none" or offset is None:
        return ""
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    if how == "offset":
        return f"{sign}{hours:02d}:{mins:02d}"
    gmt = locale.zone_formats["gmt"]
    if minutes == 0:
        return gmt % ""
    return gmt % (f"{sign}{hours}" + (f":{mins:02d}" if mins else ""))


def format_when(value: datetime | date, language: str, style: Style | None = None) -> str:
    """A date (and time with its zone) as CLDR writes it in ``language``."""
    from babel.dates import format_date, format_skeleton, format_time

    settings = date_settings(style)
    cat = catalogue(language, style)
    locale = cldr_locale(language or BASE, cat.dates.get("cldr_locale"))

    def part(fmt: str, kind: str) -> str:
        if fmt in LENGTHS:
            if kind == "date":
                return format_date(value, fmt, locale=locale)
            assert isinstance(value, datetime)  # a time is only asked of a datetime
            return format_time(value, fmt, locale=locale)
        return format_skeleton(fmt, value, locale=locale)

    day = part(settings.date_format, "date")
    if not isinstance(value, datetime):
        return day
    time = part(settings.time_format, "time")
    zone = _zone(value, locale, settings.zone)
    if zone:
        time = f"{time} {zone}"
    length = settings.date_format if settings.date_format in LENGTHS else "long"
    pattern = cat.dates.get("datetime_pattern") or locale.datetime_formats[length]
    return _unquote(str(pattern)).replace("{1}", day).replace("{0}", time)


__all__ = ["BASE", "Catalogue", "DateSettings", "Quotes", "candidates", "catalogue",
           "cldr_locale", "date_settings", "format_when", "using_style"]
