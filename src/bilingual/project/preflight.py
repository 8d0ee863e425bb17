"""What a build checks before it translates anything.

A build that would fail on an output name or an unwritable folder fails here, in a second,
instead of after the whole translation. (Temporary files a killed run left behind are removed
by ``util.atomic.remove_leftovers``.)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from bilingual.errors import EnvironmentProblem, InputError
from bilingual.util.atomic import TEMPORARY_EXTRA


def shown(path: Path) -> str:
    """A path as text that can always be printed (undecodable bytes as escapes)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def check_file_name(path: Path) -> None:
    """Refuse a source whose name is not valid UTF-8 (e.g. GBK from a Windows share)."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(path.name)
        try:
            suggestion = f" (as GB18030 it reads {raw.decode('gb18030')})"
        except UnicodeDecodeError:
            suggestion = ""
        raise InputError(
            f"{shown(path)}: the file name is not UTF-8 (copied from a Windows share?)"
            f"{suggestion}; rename the file"
        ) from None


def name_limit(folder: Path) -> int:
    """The longest file name, in bytes, the file system of ``folder`` (or its parent) allows."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            try:
                return os.pathconf(candidate, "PC_NAME_MAX")
            except (OSError, ValueError):
                return 255
    return 255


def check_output_names(source: Path, names: Iterable[str], dist: Path) -> None:
    """Refuse a source whose outputs (and their temporary names) would not fit the file system."""
    limit = name_limit(dist)
    longest = max(names, key=lambda n: len(n.encode("utf-8")), default="")
    needed = len(longest.encode("utf-8")) + TEMPORARY_EXTRA
    if needed > limit:
        raise InputError(
            f"{shown(source)}: its output names would be {needed} bytes long (e.g. {longest}), "
            f"more than the {limit} the file system of {dist} allows; shorten the file name"
        )


def check_writable(folder: Path, what: str, create: bool = True) -> None:
    """Prove a file can be written in ``folder``: creating it, or (``create=False``) in the
    nearest folder that exists, where it will be created."""
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
        existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("."))
        if not existing.is_dir():
            raise FileExistsError(str(existing))
        with tempfile.TemporaryFile(dir=existing):
            pass
    except FileExistsError as exc:
        raise EnvironmentProblem(
            f"{exc.filename or exc.args[0] if exc.args else folder}: is a file, but the {what} "
            "must be a folder; move it away"
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if isinstance(exc, NotADirectoryError):
            reason = "a file is in the way"
        raise EnvironmentProblem(
            f"{folder}: cannot write the {what} ({reason}); fix the path or its permissions"
        ) from None
