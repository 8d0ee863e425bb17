"""The translation cache: machine translations on disk, keyed by ``translate.cache_key``.

SQLite, because each batch of entries is committed as one transaction: an interrupted build
leaves either whole entries or none, and the next build picks up where it stopped. It is only a
cache: a damaged file (garbage, truncated, a folder in its place) is moved aside as
``cache.sqlite.damaged-<time>`` and a new one started, and the build goes on.
A translation that is not the beam's best hypothesis (the term-aware choice) has its rank in a
table of its own, written in the same transaction.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from bilingual.errors import EnvironmentProblem


class TranslationCache:
    def __init__(self, path: Path):
        self.path = path
        self.notes: list[str] = []  # what the user should hear about (a damaged file set aside)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EnvironmentProblem(
                f"{path.parent}: cannot create the project state folder ({exc.strerror}); "
                "fix the path or its permissions"
            ) from None
        try:
            self._db = self._open()
        except (sqlite3.DatabaseError, IsADirectoryError, NotADirectoryError):
            self._set_aside()
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        if self.path.is_dir():
            raise IsADirectoryError(str(self.path))
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS translations "
                "(key TEXT PRIMARY KEY, english TEXT NOT NULL)"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS beam_ranks "
                "(key TEXT PRIMARY KEY, rank INTEGER NOT NULL)"
            )
            db.commit()
            (verdict,) = db.execute("PRAGMA quick_check").fetchone()
            if verdict != "ok":
                raise sqlite3.DatabaseError(verdict)
            db.execute("SELECT count(*) FROM translations").fetchone()
        except sqlite3.OperationalError as exc:
            db.close()
            if cannot_write(exc):
                raise self._problem(exc) from None
            raise sqlite3.DatabaseError(str(exc)) from None
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _set_aside(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        try:
            os.replace(self.path, aside)
            for suffix in ("-journal", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError as exc:
            raise EnvironmentProblem(
                f"{self.path}: the translation cache is damaged and cannot be moved aside "
                f"({exc.strerror}); delete it and rebuild"
            ) from None
        self.notes.append(
            f"{self.path}: damaged translation cache moved aside to {aside.name}; "
            "a new one is started (translations are redone)"
        )

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT english FROM translations WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def rank(self, key: str) -> int:
        row = self._db.execute("SELECT rank FROM beam_ranks WHERE key = ?", (key,)).fetchone()
        return row[0] if row else 0

    def put_many(
        self, items: Sequence[tuple[str, str]], ranks: Sequence[tuple[str, int]] = ()
    ) -> None:
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?)", items)
                self._db.executemany("INSERT OR REPLACE INTO beam_ranks VALUES (?, ?)", ranks)
        except sqlite3.OperationalError as exc:
            if cannot_write(exc):
                raise self._problem(exc) from None
            raise

    def _problem(self, exc: sqlite3.Error) -> EnvironmentProblem:
        return EnvironmentProblem(
            f"{self.path}: cannot write the translation cache ({exc}); free space on its disk or "
            "fix the permissions of the project state folder, then run again (outputs are intact)"
        )

    def close(self) -> None:
        self._db.close()


# SQLite's own words for "the machine stops us" (not a damaged file): full, I/O, read-only.
_ENVIRONMENT_CODES = {
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
}


def cannot_write(exc: sqlite3.Error) -> bool:
    """Whether SQLite's error is the machine's (a full disk, I/O, permissions), not a bug."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _ENVIRONMENT_CODES
