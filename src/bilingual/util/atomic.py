"""Atomic file writes: a temporary file beside the target, fsync, then one rename.

The temporary file is named ``.TARGET.PID-START.XXXXXXXX.tmp``: the writing process's ID and
start time (centiseconds since the epoch) say whose it is, so ``remove_leftovers`` deletes only
the files of runs that are gone (kill -9, power loss), never those another run, of this project
or another sharing the folder, is still writing. It gets the permissions a plain ``open()``
would give (0666 less the user's umask), not ``mkstemp``'s 0600, so outputs stay readable by the
team. A write that fails names its target (``OSError.filename``), even when the operating
system did not (ENOSPC from ``write()``).
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

TEMPORARY_PREFIX = "."
TEMPORARY_SUFFIX = ".tmp"
# The longest name a temporary file adds to its target's: "." + ".PID-START" + mkstemp's
# ".XXXXXXXX" + ".tmp" (a PID of up to 10 digits, a start time of up to 14).
TEMPORARY_EXTRA = len(TEMPORARY_PREFIX) + 1 + 10 + 1 + 14 + 1 + 8 + len(TEMPORARY_SUFFIX)
_OURS = re.compile(
    rf"^{re.escape(TEMPORARY_PREFIX)}.+\.(?P<pid>[0-9]+)-(?P<start>[0-9]+)\.[a-z0-9_]{{8}}"
    rf"{re.escape(TEMPORARY_SUFFIX)}$"
)
# Before owners were named: ".TARGET.XXXXXXXX.tmp", removed once untouched for a day.
_UNOWNED = re.compile(
    rf"^{re.escape(TEMPORARY_PREFIX)}.+\.[a-z0-9_]{{8}}{re.escape(TEMPORARY_SUFFIX)}$"
)
UNOWNED_AGE = 24 * 3600.0
_SAME_START = 200  # centiseconds: a process's start time as read twice, allowing for clock steps


@cache
def file_mode() -> int:
    """0666 less the process's umask (read once: reading it means setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def start_time(pid: int) -> int | None:
    """When process ``pid`` started, in centiseconds since the epoch; None if there is none."""
    import psutil

    try:
        return round(psutil.Process(pid).create_time() * 100)
    except (psutil.Error, OSError):
        return None


@cache
def owner_tag() -> str:
    """This process, as temporary names carry it: ``PID-START``."""
    return f"{os.getpid()}-{start_time(os.getpid()) or 0}"


def staged(path: Path, write: Callable[[Path], None]) -> Path:
    """Write into a temporary file next to ``path`` and return it (not yet renamed)."""
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f"{TEMPORARY_PREFIX}{path.name}.{owner_tag()}.",
            suffix=TEMPORARY_SUFFIX,
            dir=path.parent,
        )
    except OSError as exc:
        raise _naming(exc, path) from None
    tmp_path = Path(tmp)
    try:
        os.fchmod(fd, file_mode())
        os.close(fd)
        write(tmp_path)
        with open(tmp_path, "rb+") as handle:
            os.fsync(handle.fileno())
    except BaseException as exc:
        tmp_path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _naming(exc, path) from None
        raise
    return tmp_path


def _naming(exc: OSError, path: Path) -> OSError:
    """``exc`` naming ``path`` when the operating system named nothing (a full disk's write)."""
    if not exc.filename:
        exc.filename = str(path)
    return exc


def write_text(path: Path, text: str) -> None:
    os.replace(staged(path, lambda tmp: _write(tmp, text)), path)


def write_bytes(path: Path, data: bytes) -> None:
    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    os.replace(staged(path, write), path)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def owner_gone(name: str, now: float | None = None, modified: float = 0.0) -> bool | None:
    """Whether the run that wrote temporary file ``name`` is gone; None if it is not ours."""
    match = _OURS.match(name)
    if match is not None:
        return _run_gone(int(match["pid"]), int(match["start"]))
    if _UNOWNED.match(name):
        return (now if now is not None else time.time()) - modified > UNOWNED_AGE
    return None


def _run_gone(pid: int, start: int) -> bool:
    """Whether the process ``pid`` that started at ``start`` has ended. A process that exists
    but whose start cannot be read (another user's, /proc hidden) counts as running."""
    import psutil

    if not psutil.pid_exists(pid):
        return True
    started = start_time(pid)
    return started is not None and start != 0 and abs(started - start) > _SAME_START


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files in ``folder`` whose run is gone; the ones removed.

    Safe without a lock: a file whose writer still runs is kept, whichever project it is."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    now = time.time()
    for path in folder.iterdir():
        if not path.name.endswith(TEMPORARY_SUFFIX):
            continue
        try:
            status = path.lstat()
            if not stat.S_ISREG(status.st_mode) or not owner_gone(path.name, now, status.st_mtime):
                continue
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed
