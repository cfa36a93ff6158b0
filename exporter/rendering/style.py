"""Where the house style lives, and how a user's ``--style DIR`` overrides it.

A style folder holds Jinja templates (``templates/``), stylesheets
(``print.css`` for PDF, ``epub.css``, ``html.css``), the DOCX reference
document (``reference.docx``) and fonts (``fonts/``). A user's folder needs
only the files it changes: anything it lacks comes from the default style.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def default_style_dir() -> Path:
    """The shipped house style: inside the wheel, or ``styles/`` in a source checkout."""
    inside = _PACKAGE_DIR / "styles"
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent / "styles"


@dataclass(frozen=True)
class Style:
    """A style folder layered over the default one."""

    #: the user's folder, or None for the default style alone
    user_dir: Path | None = None

    @cached_property
    def dirs(self) -> tuple[Path, ...]:
        """Folders to search, the user's first."""
        default = default_style_dir()
        if self.user_dir is None or self.user_dir.resolve() == default.resolve():
            return (default,)
        return (self.user_dir.resolve(), default)

    @property
    def root(self) -> Path:
        """The first folder searched: resources in it may be read by renders."""
        return self.dirs[0]

    def find(self, name: str) -> Path:
        """The first file called ``name`` in the style folders."""
        for folder in self.dirs:
            candidate = folder / name
            if candidate.exists():
                return candidate
        raise FileNotFoundError(f"style file {name!r} not found in {', '.join(map(str, self.dirs))}")

    def read_text(self, name: str) -> str:
        return self.find(name).read_text(encoding="utf-8")

    def template_dirs(self) -> list[str]:
        return [str(d / "templates") for d in self.dirs if (d / "templates").is_dir()]

    def fingerprint(self) -> str:
        """A hash of every file in the style folders, for incremental rebuilds."""
        import hashlib

        digest = hashlib.sha256()
        for folder in self.dirs:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
        return digest.hexdigest()
