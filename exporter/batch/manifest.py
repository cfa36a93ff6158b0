"""The incremental-build manifest: ``<out>/.exporter-manifest.json``.

For every output file it records what the file was made from -- the sha256
of the article's input bytes, of every local image the article uses, of the
style folder, the exporter version, the writer class, the settings that
change output bytes -- and the sha256 of the output itself. An output is
*fresh* when all of these still match: then the batch skips it without
parsing the article or importing any writer library. A deleted or
hand-edited output no longer matches its recorded sha256 and is rebuilt.

Only what the resource gate accepts is ever hashed or recorded: the folder
is published, and a hash of ``/etc/shadow`` (or the mere entry saying it
exists) would be an oracle. A picture the gate refuses is not looked at --
not opened, not hashed (a ``/dev/zero`` or FIFO ``src`` cannot block the
batch) -- and its output is marked volatile (rebuilt every run). Hashing
opens regular files only, non-blocking.

The manifest also maps each input path to its article id and input hash, so
deciding a skip needs only the input's bytes, never a parse. It is written
atomically (temporary file + rename) and merged with the file on disk just
before writing, so two runs into one folder lose no entries; a manifest that
cannot be read is ignored (everything is rebuilt) with one warning.

Only this module and :mod:`exporter.batch.runner` read or write it; the
format is versioned by ``schema``. Imports nothing from :mod:`exporter.batch`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from exporter.model import Article
    from exporter.resources import ResourceGate
    from exporter.writers import WriteOptions

log = logging.getLogger("exporter")

MANIFEST_NAME = ".exporter-manifest.json"
SCHEMA = 1
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str | None:
    """The file's sha256; None if it is missing, unreadable or not a regular file.

    Never blocks: a FIFO, ``/dev/zero`` or another device is not opened at
    all (``stat`` first), and the descriptor is opened non-blocking and
    checked again with ``fstat`` (the path may be swapped in between).
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    digest = hashlib.sha256()
    try:
        with open(fd, "rb", closefd=True) as stream:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def settings_key(options: WriteOptions) -> str:
    """A hash of every setting that can change output bytes (options + SOURCE_DATE_EPOCH)."""
    values: dict[str, Any] = {f.name: getattr(options, f.name) for f in fields(options) if f.init}
    values["SOURCE_DATE_EPOCH"] = os.environ.get("SOURCE_DATE_EPOCH")
    text = json.dumps(values, sort_keys=True, default=_plain)
    return sha256_bytes(text.encode("utf-8"))[:32]


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return os.path.abspath(value)
    if isinstance(value, (tuple, list, set, frozenset)):
        return [_plain(v) for v in value]
    return repr(value)


def image_files(article: Article, gate: ResourceGate) -> tuple[list[Path], bool]:
    """The local picture files of ``article`` that ``gate`` accepts, and whether it is volatile.

    Volatile (rebuilt every run): a picture is remote, or refused by the
    gate (outside the allowed folders, missing, a FIFO or a device, too
    big). Refused paths are left out -- never opened, never hashed, never
    recorded. ``data:`` URIs are part of the input bytes and need no entry.
    The gate only ``stat``s files here; they are hashed later, never decoded.
    """
    paths: list[Path] = []
    volatile = False
    for image in article.images():
        src = image.src
        scheme = gate.scheme(src)
        if scheme == "data":
            continue
        if scheme not in ("", "file") or not gate.accepts(src, article.base_dir):
            volatile = True
            continue
        resolved = gate.local_path(src, article.base_dir)
        if resolved not in paths:
            paths.append(resolved)
    return paths, volatile


@dataclass
class FileHashes:
    """sha256 of files, each read at most once per run (many articles share pictures)."""

    cache: dict[str, str | None] = field(default_factory=dict)

    def __call__(self, path: str | Path) -> str | None:
        key = str(path)
        if key not in self.cache:
            self.cache[key] = sha256_file(key)
        return self.cache[key]


@dataclass
class Manifest:
    """The records of one output folder."""

    out_dir: Path
    #: output file name (relative to ``out_dir``) -> what it was made from
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: absolute input path -> ``{"id": ..., "sha256": ...}``
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: names changed in this run (merged into the file on disk by :meth:`save`)
    _dirty_outputs: set[str] = field(default_factory=set, repr=False)
    _dirty_inputs: set[str] = field(default_factory=set, repr=False)

    @property
    def path(self) -> Path:
        return self.out_dir / MANIFEST_NAME

    @classmethod
    def load(cls, out_dir: str | Path) -> Manifest:
        manifest = cls(Path(out_dir))
        data = _read(manifest.path)
        if data is not None:
            manifest.outputs = data["outputs"]
            manifest.inputs = data["inputs"]
        return manifest

    # -- deciding ---------------------------------------------------------------

    def known_id(self, source_key: str, input_sha: str) -> str | None:
        """The article id recorded for these exact input bytes, if any."""
        entry = self.inputs.get(source_key)
        if entry and entry.get("sha256") == input_sha and isinstance(entry.get("id"), str):
            return entry["id"]
        return None

    def fresh(self, name: str, expected: Mapping[str, Any], hashes: FileHashes) -> bool:
        """True if output ``name`` exists, is unmodified and was made from ``expected``.

        ``expected`` holds ``source``, ``format``, ``input_sha256``, ``style``,
        ``exporter``, ``writer`` and ``settings``; the recorded images and
        companion files (RSS ``media/``) are re-hashed, and so is the output.
        """
        record = self.outputs.get(name)
        if not record or record.get("volatile"):
            return False
        if any(record.get(k) != v for k, v in expected.items()):
            return False
        images = record.get("images")
        if not isinstance(images, dict):
            return False
        if any(hashes(path) != digest for path, digest in images.items()):
            return False
        companions = record.get("companions", {})
        if any(hashes(self.out_dir / rel) != digest for rel, digest in companions.items()):
            return False
        digest = record.get("sha256")
        return digest is not None and sha256_file(self.out_dir / name) == digest

    # -- recording --------------------------------------------------------------

    def record_input(self, source_key: str, article_id: str, input_sha: str) -> None:
        self.inputs[source_key] = {"id": article_id, "sha256": input_sha}
        self._dirty_inputs.add(source_key)

    def record_output(self, name: str, made_from: Mapping[str, Any],
                      images: Mapping[str, str | None], volatile: bool, sha256: str,
                      companions: Mapping[str, str] | None = None) -> None:
        record = dict(made_from)
        record.update(images=dict(images), sha256=sha256)
        if companions:
            record["companions"] = dict(companions)
        if volatile:
            record["volatile"] = True
        self.outputs[name] = record
        self._dirty_outputs.add(name)

    def forget_outputs(self, names: Iterable[str]) -> None:
        for name in names:
            if self.outputs.pop(name, None) is not None:
                self._dirty_outputs.add(name)

    def save(self) -> None:
        """Merge this run's changes into the file on disk and replace it atomically."""
        if not (self._dirty_outputs or self._dirty_inputs):
            return
        from exporter.output import atomic_write

        current = _read(self.path, quiet=True) or {"outputs": {}, "inputs": {}}
        for table, dirty, mine in (("outputs", self._dirty_outputs, self.outputs),
                                   ("inputs", self._dirty_inputs, self.inputs)):
            for key in dirty:
                if key in mine:
                    current[table][key] = mine[key]
                else:
                    current[table].pop(key, None)
        document = {"schema": SCHEMA, "outputs": dict(sorted(current["outputs"].items())),
                    "inputs": dict(sorted(current["inputs"].items()))}
        try:
            with atomic_write(self.path) as stream:
                stream.write(json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8"))
        except OSError as exc:
            log.warning("%s: could not write the manifest (%s); the next run rebuilds more",
                        self.path, exc)
            return
        self._dirty_outputs.clear()
        self._dirty_inputs.clear()


def _read(path: Path, quiet: bool = False) -> dict[str, Any] | None:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise OSError("not a regular file")
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        if not quiet:
            log.warning("%s: unreadable manifest (%s); rebuilding everything", path, exc)
        return None
    try:
        data = json.loads(raw)
        if (isinstance(data, dict) and data.get("schema") == SCHEMA
                and isinstance(data.get("outputs"), dict) and isinstance(data.get("inputs"), dict)):
            return {"outputs": data["outputs"], "inputs": data["inputs"]}
    except ValueError:
        pass
    if not quiet:
        log.warning("%s: manifest is damaged or from another version; rebuilding everything", path)
    return None
