"""The canonical article: the one model every reader produces and every writer reads.

The JSON form is the contract of DESIGN.md section 1. Instances are frozen
(tuples, not lists) so a writer can never change what another writer sees,
and they are validated on the way in, so writers never re-check input.
``Article.to_json()`` gives back the same document that came in: round trips
through ``exporter parse`` are lossless.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from exporter.errors import InputError
from exporter.text import clean_tree, slugify

log = logging.getLogger("exporter")

SCHEMA_VERSION = 1
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})


#: deepest nesting of em/strong/link inside one another (real copy uses 2 or 3);
#: the writers, pickling for a worker and deep copies all recurse once per level
MAX_INLINE_DEPTH = 32
#: deepest nesting of objects and lists in the input data (32 inline levels need about 70)
MAX_DATA_DEPTH = 100
#: longest id: ``<id>-<16 hex>.webp`` (an RSS media file) plus the 14 characters of
#: its temporary name (``.<name>.<8 random>.tmp``) must fit a 255-byte file name
MAX_ID_LENGTH = 200
_INLINE_TYPES = ("em", "strong", "link")


def check_nesting(data: Any, source: str | Path | None = None) -> None:
    """Refuse input nested too deeply to render, naming the field (before any recursion).

    Walks the raw data with an explicit stack, so the check itself cannot hit
    the recursion limit. Sets are refused too: they have no order, so every
    output would change with the hash seed.
    """
    # (value, field path, container depth, inline depth, path of the outermost inline field)
    stack: list[tuple[Any, str, int, int, str]] = [(data, "", 0, 0, "")]
    while stack:
        value, path, depth, inline, top = stack.pop()
        if isinstance(value, set | frozenset):
            raise InputError("a set has no order; use a list", source=source, field=path or None)
        if not isinstance(value, dict | list | tuple):
            continue
        if depth >= MAX_DATA_DEPTH:
            raise InputError(f"nested deeper than {MAX_DATA_DEPTH} levels", source=source,
                             field=path.split(".")[0].split("[")[0] or None)
        if isinstance(value, dict):
            if value.get("type") in _INLINE_TYPES:
                inline += 1
                if inline == 1:
                    top = path[:path.rindex("[")] if path.endswith("]") else path
                if inline > MAX_INLINE_DEPTH:
                    raise InputError(f"inline nesting deeper than {MAX_INLINE_DEPTH} levels",
                                     source=source, field=top or None)
            stack.extend((v, f"{path}.{k}" if path else str(k), depth + 1, inline, top)
                         for k, v in value.items())
        else:
            stack.extend((v, f"{path}[{i}]", depth + 1, inline, top) for i, v in enumerate(value))


def _in_range(value: datetime) -> datetime:
    """Refuse an instant whose UTC value is out of Python's range, or within a day of it.

    ``9999-12-31T23:59:59-23:59`` is year 10000 in UTC: the DOCX, EPUB and RSS
    writers convert to UTC and failed with OverflowError.
    """
    try:
        utc = value.astimezone(UTC)
        _ = (utc - timedelta(days=1), utc + timedelta(days=1))  # room for the writers' arithmetic
    except OverflowError:
        raise ValueError("date and time out of range once converted to UTC "
                         "(years 0001 to 9999)") from None
    return value


def _iso(value: datetime | date) -> str:
    # isoformat keeps "+00:00" where pydantic would write "Z": round trips stay exact.
    return value.isoformat()


Timestamp = Annotated[AwareDatetime, AfterValidator(_in_range), PlainSerializer(_iso, return_type=str)]
"""An ISO 8601 instant with a UTC offset; a naive time is refused."""

DateOrTimestamp = Annotated[Annotated[AwareDatetime, AfterValidator(_in_range)] | date,
                            PlainSerializer(_iso, return_type=str)]


class _Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


# --- inlines -----------------------------------------------------------------


class Em(_Node):
    """Emphasis (italic in print)."""

    type: Literal["em"] = "em"
    #: the emphasised text, itself an inline
    content: Inline


class Strong(_Node):
    """Strong importance (bold in print)."""

    type: Literal["strong"] = "strong"
    #: the strong text, itself an inline
    content: Inline


class Link(_Node):
    """A hyperlink. Only http(s) and mailto targets are rendered as links."""

    type: Literal["link"] = "link"
    #: the target URL as given by the source
    href: str
    #: the link text
    content: Inline


class Break(_Node):
    """A hard line break inside a paragraph."""

    type: Literal["break"] = "break"


InlineNode = Annotated[Em | Strong | Link | Break, Field(discriminator="type")]
Inline = str | tuple[str | InlineNode, ...]
"""A plain string, or a sequence of strings and marked-up nodes."""


# --- people and images ---------------------------------------------------------


class Person(_Node):
    """A byline or a quote's source."""

    #: the person's name as printed
    name: str = Field(min_length=1)
    #: job title or role, e.g. "Transport correspondent"
    role: str | None = None
    #: organisation, e.g. an agency
    organisation: str | None = None
    # True when the source wrote the plain-string shorthand; kept so the JSON
    # round trip gives back the same document.
    _shorthand: bool = PrivateAttr(default=False)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v

    @model_validator(mode="wrap")
    @classmethod
    def _from_string(cls, data: Any, handler: Any) -> Person:
        if isinstance(data, str):
            person = handler({"name": data})
            person._shorthand = True
            return person
        return handler(data)

    @model_serializer(mode="wrap")
    def _serialize(self, handler: Any) -> Any:
        if self._shorthand and self.role is None and self.organisation is None:
            return self.name
        return handler(self)


class Image(_Node):
    """A picture: the lead image or a figure in the body."""

    #: a path relative to the article file, a data: URI, or (when allowed) a URL
    src: str = Field(min_length=1)
    #: alternative text for readers who cannot see the picture
    alt: str
    #: what the picture shows, as printed under it
    caption: str | None = None
    #: who made or supplied the picture (photographer, agency)
    credit: str | None = None
    #: intrinsic width in pixels, if the source knows it
    width: int | None = Field(default=None, gt=0)
    #: intrinsic height in pixels, if the source knows it
    height: int | None = Field(default=None, gt=0)


class Correction(_Node):
    """A correction notice printed at the end of the article."""

    #: when the correction was made
    date: DateOrTimestamp
    #: the notice itself
    text: str = Field(min_length=1)


def _allow_name_shorthand(schema: dict[str, Any]) -> None:
    """Let the generated schema accept the plain-string shorthand for a person."""
    schema["anyOf"].insert(0, {"type": "string", "minLength": 1})


# --- blocks --------------------------------------------------------------------


class Paragraph(_Node):
    type: Literal["paragraph"] = "paragraph"
    content: Inline


class Heading(_Node):
    type: Literal["heading"] = "heading"
    #: 2 to 4: level 1 is the headline
    level: int = Field(ge=2, le=4)
    content: Inline


class Quote(_Node):
    """A block quote, with the person quoted printed under it."""

    type: Literal["quote"] = "quote"
    content: Inline
    #: the person quoted; a plain string is shorthand for ``{"name": ...}``
    attribution: Person | None = Field(default=None, json_schema_extra=_allow_name_shorthand)


class Figure(_Node):
    type: Literal["figure"] = "figure"
    image: Image


class ListBlock(_Node):
    type: Literal["list"] = "list"
    ordered: bool = False
    items: tuple[Inline, ...]


Block = Annotated[Paragraph | Heading | Quote | Figure | ListBlock, Field(discriminator="type")]


# --- the article -----------------------------------------------------------------


class Article(_Node):
    """One news article in canonical form (schema version 1)."""

    #: stable slug naming the output files; derived from the headline when absent
    id: str = Field(default="", pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=MAX_ID_LENGTH)
    #: the headline; required and non-empty
    headline: str
    #: the dek / summary line under the headline
    standfirst: str | None = None
    #: label above the headline
    kicker: str | None = None
    #: section name
    section: str | None = None
    #: BCP 47 language tag
    language: str = Field(default="en", pattern=r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
    #: only when the language's default direction is wrong for this article
    direction: Literal["ltr", "rtl"] | None = None
    #: the authors, in order
    bylines: tuple[Person, ...] = ()
    #: place name printed before the first paragraph
    dateline: str | None = None
    published: Timestamp | None = None
    updated: Timestamp | None = None
    #: not in any feed before this instant
    embargo: Timestamp | None = None
    #: canonical link
    url: str | None = None
    #: copyright line
    rights: str | None = None
    tags: tuple[str, ...] = ()
    lead_image: Image | None = None
    body: tuple[Block, ...] = ()
    corrections: tuple[Correction, ...] = ()

    # Where the article was read from; images resolve relative to its folder.
    _origin: Path | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _derive_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("id") and isinstance(data.get("headline"), str):
            data = {**data, "id": slugify(data["headline"])}
        return data

    @field_validator("headline")
    @classmethod
    def _headline_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v

    # -- derived facts --------------------------------------------------------

    @property
    def dir(self) -> str:
        """Text direction: ``direction`` if given, else the language's default."""
        if self.direction:
            return self.direction
        primary = self.language.split("-")[0].lower()
        return "rtl" if primary in RTL_LANGUAGES else "ltr"

    @property
    def origin(self) -> Path | None:
        """The file this article was read from, if any."""
        return self._origin

    @property
    def base_dir(self) -> Path:
        """The folder relative image paths resolve against."""
        return self._origin.parent if self._origin else Path.cwd()

    def with_origin(self, origin: str | Path | None) -> Article:
        """A copy of this article remembering the file it came from.

        A copy, not this article changed: articles are frozen and may be shared
        (cached, in a batch, by a caller), so giving one a new origin must not
        move another's image folder.
        """
        copy = self.model_copy()
        copy._origin = Path(origin).resolve() if origin is not None else None
        return copy

    def images(self) -> list[Image]:
        """The lead image then every body figure, in reading order."""
        found = [self.lead_image] if self.lead_image else []
        found += [b.image for b in self.body if isinstance(b, Figure)]
        return found

    # -- (de)serialisation ----------------------------------------------------

    @classmethod
    def from_data(cls, data: Any, source: str | Path | None = None) -> Article:
        """Validate a JSON-like mapping, raising :class:`InputError` naming the field.

        ``source`` (a path, as ``str`` or ``Path``) names the story in messages
        and its folder is where relative image paths resolve. Characters XML
        cannot carry are removed first, with one warning per field.
        """
        if not isinstance(data, dict):
            raise InputError(f"expected a JSON object, got {type(data).__name__}", source=source)
        check_nesting(data, source)  # before clean_tree and pydantic, which recurse
        found: list[str] = []
        data = clean_tree(data, found=found)
        for field in found:
            log.warning("%s: %s: removed characters that XML cannot carry", source or "<input>", field)
        try:
            article = cls.model_validate(data)
        except ValidationError as exc:
            raise validation_to_input_error(exc, source) from None
        # A str source is a path too (docs/cms.md): relative pictures resolve
        # against its folder, never against whatever the current directory is.
        return article.with_origin(source)

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON form as a dict (``None`` and empty lists left out)."""
        out = self.model_dump(mode="json", exclude_none=True)
        for key in ("bylines", "tags", "corrections"):
            if not out.get(key):
                out.pop(key, None)
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


for _model in (Em, Strong, Link, Quote, Paragraph, Heading, ListBlock, Article):
    _model.model_rebuild()


_UNION_TAGS = {"str", "paragraph", "heading", "quote", "figure", "list", "em", "strong",
               "link", "break", "Person", "Image", "Correction"}


def field_path(loc: tuple[Any, ...]) -> str:
    """Turn a pydantic error location into ``body[3].attribution.name``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(part, str) and (part in _UNION_TAGS or "[" in part or "-" in part):
            continue  # union branch names, not fields
        else:
            path += f".{part}" if path else str(part)
    return path


def validation_to_input_error(exc: ValidationError, source: str | Path | None) -> InputError:
    """One clear line out of pydantic's many: the deepest error is the most specific."""
    errors = exc.errors(include_url=False)
    best = max(errors, key=lambda e: (len(e["loc"]), e["type"] != "missing"))
    # A value that fits no branch of "string or list" is best explained plainly.
    msg = best["msg"].removeprefix("Value error, ")
    if best["type"] == "timezone_aware":
        msg = "date and time must include a UTC offset (e.g. +00:00); naive times are ambiguous"
    elif best["type"] == "extra_forbidden":
        msg = "unknown field"
    elif best["type"] == "string_too_long" and tuple(best["loc"]) == ("id",):
        msg = (f"longer than {MAX_ID_LENGTH} characters: output file names are made from it "
               "and must fit in 255 bytes")
    elif best["type"] == "missing":
        msg = "required field is missing"
    path = field_path(tuple(best["loc"]))
    return InputError(msg, source=source, field=path or None)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the canonical article, generated from the model."""
    schema = Article.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "exporter canonical article"
    schema["x-schema-version"] = SCHEMA_VERSION
    return schema
