"""The translation memory folder's lock (``tm/.bilingual.lock``), whatever storage the memory
uses: every command that writes the memory holds it from before it reads the memory until its
changes are written, so projects sharing one ``--tm`` never lose each other's units. It is
waited for, and taken after the project's lock (the order is in ``util.locks``).

Temporary files that killed runs left in the folder (a memory rewrite cut by kill -9) are
removed when the lock is taken, and by every build (``tidy``), like those in ``dist/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bilingual.util.atomic import remove_leftovers
from bilingual.util.locks import LOCK_NAME, folder_lock


@contextmanager
def memory_lock(tm: Path) -> Iterator[None]:
    """Hold the lock of the memory in folder ``tm`` (waiting for other writers)."""
    with folder_lock(tm / LOCK_NAME, "the translation memory"):
        tidy(tm)
        yield


def tidy(tm: Path) -> list[Path]:
    """Remove what killed runs left in ``tm`` (only theirs: safe without the lock)."""
    return remove_leftovers(tm)
