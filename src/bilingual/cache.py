"""The translation cache: machine translations on disk, keyed by ``translate.cache_key``.

SQLite, because each batch of entries is committed as one transaction: an interrupted build
leaves either whole entries or none, and the next build picks up where it stopped.
A translation that is not the beam's best hypothesis (the term-aware choice) has its rank in a
table of its own, written in the same transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path


class TranslationCache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, english TEXT NOT NULL)"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS beam_ranks (key TEXT PRIMARY KEY, rank INTEGER NOT NULL)"
        )
        self._db.commit()

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT english FROM translations WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def rank(self, key: str) -> int:
        row = self._db.execute("SELECT rank FROM beam_ranks WHERE key = ?", (key,)).fetchone()
        return row[0] if row else 0

    def put_many(
        self, items: Sequence[tuple[str, str]], ranks: Sequence[tuple[str, int]] = ()
    ) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?)", items)
            self._db.executemany("INSERT OR REPLACE INTO beam_ranks VALUES (?, ?)", ranks)

    def close(self) -> None:
        self._db.close()
