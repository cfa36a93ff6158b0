"""Settings named in messages -> the command-line flags that set them.

The library words its errors and warnings in the names of
:class:`~exporter.writers.WriteOptions` settings (``base_url``,
``allow_roots``), which is what an API user typed. On the command line the
same setting is a flag, so the CLI names the flag next to the setting before
it prints a message: ``base_url 'x' is not ...`` becomes ``base_url
(--base-url) 'x' is not ...``.
"""

from __future__ import annotations

import re

#: setting -> the ``exporter export`` flag that sets it
SETTING_FLAGS: dict[str, str] = {
    "base_url": "--base-url",
    "allow_roots": "--allow-root",
    "allow_remote": "--allow-remote",
    "style_dir": "--style",
}

_PATTERNS = {name: re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
             for name in SETTING_FLAGS}


def with_flags(message: str) -> str:
    """``message`` with each setting it names followed by its flag, once, in parentheses."""
    for name, flag in SETTING_FLAGS.items():
        if flag in message:
            continue
        message = _PATTERNS[name].sub(f"{name} ({flag})", message, count=1)
    return message


__all__ = ["SETTING_FLAGS", "with_flags"]
