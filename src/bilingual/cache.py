"""The translation cache: machine translations on disk, keyed by ``translate.cache_key``.

SQLite, because each batch of entries is committed as one transaction: an interrupted build
leaves either whole entries or none, and the next build picks up where it stopped.
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
        self._db.commit()

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT english FROM translations WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put_many(self, items: Sequence[tuple[str, str]]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?)", items)

    def close(self) -> None:
        self._db.close()
