"""The reader interface: turning what a newsroom has into an :class:`Article`.

A reader takes the raw bytes of one input and where they came from, and
returns a validated article or raises :class:`exporter.errors.InputError`
naming the file and the field::

    from exporter.readers import Reader, build_article, decode_utf8

    class NinjsReader(Reader):
        name = "ninjs"                    # equals the entry-point name
        suffixes = (".json",)             # shared with the json reader: sniff decides
        description = "IPTC ninjs 2.x"

        @classmethod
        def sniff(cls, data: bytes) -> bool:
            return b'"uri"' in data[:4096]

        def read(self, data, origin=None):
            doc = json.loads(decode_utf8(data, origin))
            return build_article({"headline": doc["headline"], "body": [...]}, origin)

Readers never read other files and never touch the network: images stay as
references (``src``) that the writers resolve through the resource gate. A
reader does not clean or trust HTML itself beyond mapping it to the model's
blocks; :func:`build_article` validates the result (and strips characters
XML cannot carry) so every reader's output obeys the same rules.

Readers are found through the ``exporter.readers`` entry-point group, by
name (``exporter parse --from NAME``, ``load(data, format=NAME)``) or by file
suffix; when several readers take a suffix, the one whose :meth:`Reader.sniff`
recognises the content wins, the built-in one otherwise.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from exporter.errors import InputError

if TYPE_CHECKING:
    from exporter.model import Article


class Reader:
    """Base class of every input format.

    Subclasses set the class attributes and implement :meth:`read`; the
    constructor takes no arguments and one instance may read many inputs.
    """

    #: the format name (``exporter parse --from name``)
    name: ClassVar[str] = ""
    #: file suffixes this reader takes, with the dot, lower case
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: one line for ``exporter formats``
    description: ClassVar[str] = ""
    #: modules that must be importable for this reader to work
    requires: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def disabled_message(cls) -> str | None:
        """Why this reader cannot run here (a missing :attr:`requires` module), or None."""
        missing = [m for m in cls.requires if importlib.util.find_spec(m) is None]
        if missing:
            return f"needs the Python package(s) {', '.join(missing)}"
        return None

    @classmethod
    def enabled(cls) -> bool:
        return cls.disabled_message() is None

    @classmethod
    def sniff(cls, data: bytes) -> bool:
        """True if ``data`` is recognisably this format (used when the suffix is ambiguous)."""
        return False

    def read(self, data: bytes, origin: str | Path | None = None) -> Article:
        """Parse ``data`` into a validated article.

        ``origin`` is the input's path (or a name for bytes from elsewhere):
        use it in error messages and pass it to :func:`build_article`, which
        makes it the base folder for relative image paths. Raise
        :class:`~exporter.errors.InputError` (with ``field=`` where one is
        known) for anything wrong with the input.
        """
        raise NotImplementedError


def decode_utf8(data: bytes, origin: str | Path | None) -> str:
    """Decode input text, refusing anything that is not UTF-8 with a clear message."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert the file to UTF-8 first", source=origin) from None
    return text.removeprefix("\ufeff")


def build_article(data: Any, origin: str | Path | None) -> Article:
    """Validate a mapping into an article attributed to ``origin``."""
    from exporter.model import Article

    return Article.from_data(data, Path(origin) if origin is not None else None)
