"""Locks where the data is: one writer at a time for each folder of data, across processes and
across projects that share the folder (``--tm``, ``--glossary``).

A lock is a file in the folder it guards (``filelock``: ``flock`` on Unix), released by the
operating system when its process dies, so a killed run never leaves a folder locked. The
locks, and the order a command takes them in (never the other way round, so two commands can
never each hold one the other waits for):

1. the project's state, ``.bilingual/build.lock``: a build or import of this project. Not
   waited for: a second build of one project is refused (exit 4).
2. the translation memory, ``tm/.bilingual.lock``: whoever writes the memory (``import``,
   ``tm import``, a build that records anything in it), from any project. Waited for.
3. the glossary, ``glossary/.bilingual.lock``: ``glossary import``. Waited for.

A command takes only the locks of what it writes, in this order, and holds each from before it
reads what it will write until that is written, so no update is lost. Readers take none: every
file is replaced whole (``util.atomic``), so a reader sees the old version or the new one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bilingual.errors import EnvironmentProblem

LOCK_NAME = ".bilingual.lock"  # in the memory's and the glossary's folders
WAIT_SECONDS = 600.0  # how long a shared folder's lock is waited for before giving up


@contextmanager
def folder_lock(
    lock_file: Path, what: str, wait: float = WAIT_SECONDS, busy: str | None = None
) -> Iterator[None]:
    """Hold ``lock_file`` (creating its folder), waiting up to ``wait`` seconds for another
    holder; EnvironmentProblem (exit 4) naming the file when it stays taken, or cannot be made.

    ``what`` names the data ("the translation memory"); ``busy`` is the message when the wait
    runs out (default: another command is writing ``what``)."""
    from filelock import FileLock, Timeout

    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_file))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if wait <= 0:
                raise
            if sys.stderr.isatty():
                print(f"bilingual: waiting for {lock_file} ({what} is being written by another "
                      "command)", file=sys.stderr)  # fmt: skip
            lock.acquire(timeout=wait)
    except Timeout:
        raise EnvironmentProblem(
            f"{lock_file}: {busy or f'another command is writing {what}'}; "
            "wait for it to finish and run again"
        ) from None
    except OSError as exc:
        raise EnvironmentProblem(
            f"{exc.filename or lock_file}: cannot lock {what} ({exc.strerror}); "
            "fix the folder's permissions"
        ) from None
    try:
        yield
    finally:
        lock.release()
