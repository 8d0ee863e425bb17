"""Atomic file writes: a temporary file beside the target, fsync, then one rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def staged(path: Path, write: Callable[[Path], None]) -> Path:
    """Write into a temporary file next to ``path`` and return it (not yet renamed)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        with open(tmp_path, "rb+") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return tmp_path


def write_text(path: Path, text: str) -> None:
    os.replace(staged(path, lambda tmp: _write(tmp, text)), path)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
