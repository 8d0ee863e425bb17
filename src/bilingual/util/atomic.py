"""Atomic file writes: a temporary file beside the target, fsync, then one rename.

The temporary file gets the permissions a plain ``open()`` would give (0666 less the user's
umask), not ``mkstemp``'s 0600, so outputs stay readable by the team.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

TEMPORARY_PREFIX = "."
TEMPORARY_SUFFIX = ".tmp"


@cache
def file_mode() -> int:
    """0666 less the process's umask (read once: reading it means setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def staged(path: Path, write: Callable[[Path], None]) -> Path:
    """Write into a temporary file next to ``path`` and return it (not yet renamed)."""
    fd, tmp = tempfile.mkstemp(
        prefix=f"{TEMPORARY_PREFIX}{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent
    )
    tmp_path = Path(tmp)
    try:
        os.fchmod(fd, file_mode())
        os.close(fd)
        write(tmp_path)
        with open(tmp_path, "rb+") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return tmp_path


def write_text(path: Path, text: str) -> None:
    os.replace(staged(path, lambda tmp: _write(tmp, text)), path)


def write_bytes(path: Path, data: bytes) -> None:
    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    os.replace(staged(path, write), path)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
