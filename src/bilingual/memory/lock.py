"""The translation memory folder's lock (``tm/.bilingual.lock``): every command that writes the
memory holds it from before it reads the memory until its changes are written, so projects
sharing one ``--tm`` never lose each other's units. It is waited for, and taken after the
project's lock (the order is in ``util.locks``).

"Writes the memory" means any write to ``tm/``: ``memory.jsonl`` and ``suggestions.jsonl``, and
the store beside them (``.memory.sqlite``), including a build or ``tm status`` that migrates or
rebuilds the store from the files; ``TranslationMemory`` takes the lock itself whenever it
writes. A process holding the lock may take it again (an import holds it, the memory it opens
takes it too): that is the same hold.

Temporary files that killed runs left in the folder (a memory rewrite cut by kill -9) are
removed when the lock is taken, and by every build (``tidy``), like those in ``dist/``; only
those (``util.atomic``): never the store, its ``-wal`` and ``-shm``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bilingual.errors import EnvironmentProblem
from bilingual.util.atomic import remove_leftovers
from bilingual.util.locks import LOCK_NAME, folder_lock

_held: Counter[Path] = Counter()  # the memory folders whose lock this process holds


@contextmanager
def memory_lock(tm: Path) -> Iterator[None]:
    """Hold the lock of the memory in folder ``tm`` (waiting for other writers)."""
    key = tm.resolve()
    if _held[key]:
        with _holding(key):
            yield
        return
    with folder_lock(tm / LOCK_NAME, "the translation memory"), _holding(key):
        tidy(tm)
        yield


@contextmanager
def memory_lock_if_free(tm: Path) -> Iterator[bool]:
    """Hold the lock if no other process does (True), else do without it (False): for what may
    be skipped, such as keeping a cache."""
    key = tm.resolve()
    if _held[key]:
        with _holding(key):
            yield True
        return
    with ExitStack() as stack:
        try:
            stack.enter_context(folder_lock(tm / LOCK_NAME, "the translation memory", wait=0))
        except EnvironmentProblem:  # another process writes the memory (or none can)
            free = False
        else:
            free = True
            stack.enter_context(_holding(key))
        yield free


@contextmanager
def _holding(key: Path) -> Iterator[None]:
    _held[key] += 1
    try:
        yield
    finally:
        _held[key] -= 1


def tidy(tm: Path) -> list[Path]:
    """Remove what killed runs left in ``tm`` (only theirs: safe without the lock)."""
    return remove_leftovers(tm)
