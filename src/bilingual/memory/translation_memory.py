"""The translation memory: editors' English and notes, by Chinese sentence, in ``tm/``.

Two files:
- ``memory.jsonl`` is the memory as users commit and diff it (``memory.entry``). It is written
  from the store after every change, sorted by sentence, atomically (a temporary file renamed),
  inside the change's transaction.
- ``.memory.sqlite`` is the store every command reads (SQLite, WAL): each entry indexed by a
  64-bit hash of its normalized Chinese (``memory.normalize``) for exact matches and by its
  rarest characters for fuzzy ones (``memory.fuzzy``). Lookups query it; nothing loads the
  memory whole. It is derived from the file, so it is not committed (``tm/.gitignore``).

The file wins: when it is not what the store last wrote or read (a ``git pull``, another branch,
an edit by hand, an older project) the store is rebuilt from it. Its modification time alone is
not trusted (git gives a checked-out file the time of the checkout, a copy may keep an older
one): a changed size, time or inode makes the store compare the file's SHA-256 with the one it
recorded, and only different content is read again.

A change is one transaction (``writing``: ``BEGIN IMMEDIATE``, so writers take turns and
readers go on reading the last commit); whatever a writer decides on it reads inside it. A
damaged file is refused by line and never rewritten; a damaged store is only an index: it is set
aside and rebuilt. A read-only ``tm/`` is read into a store in memory instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from bilingual.document import FuzzyMatch
from bilingual.errors import EnvironmentProblem, InputError
from bilingual.memory import fuzzy
from bilingual.memory.cache import cannot_write
from bilingual.memory.entry import (
    FILE_NAME,
    SUGGESTIONS_FILE,
    Entry,
    LineError,
    Suggestion,
    line_of,
    line_of_suggestion,
    notes_json,
    read_lines,
    read_suggestions,
)
from bilingual.memory.lock import memory_lock, memory_lock_if_free
from bilingual.memory.normalize import PLAIN_NORMALIZER, Normalizer
from bilingual.util.atomic import staged

__all__ = [
    "FILE_NAME",
    "STORE_NAME",
    "SUGGESTIONS_FILE",
    "Entry",
    "Suggestion",
    "TranslationMemory",
]

STORE_NAME = ".memory.sqlite"
IGNORE_FILE = ".gitignore"
SCHEMA = "3"
BUSY_SECONDS = 60.0  # how long a writer waits for another one
CACHE_BUSY_MS = 200  # how long a build waits to keep its fuzzy matches (a cache: else skipped)
INCREMENTAL = 5000  # changed entries up to which cached fuzzy matches are brought up to date
_BATCH = 20_000
_INDEX_EVERY = 100_000  # entries staged before their postings go into the index (in its order)
_NONE = (None,) * fuzzy.SIGNATURE
WRITE_CACHE_KB = 65_536  # SQLite's page cache while writing (a million entries' index pages)
_COLUMNS = "id, source, english, segment, origin, time, notes"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    khash INTEGER NOT NULL,      -- hash of the normalized Chinese: exact matches
    source TEXT NOT NULL,
    english TEXT,
    segment TEXT NOT NULL,
    origin TEXT NOT NULL,
    time TEXT NOT NULL,
    notes TEXT,                  -- JSON list, or NULL
    correction INTEGER NOT NULL, -- 1: from an edition an editor corrected, 0: from a TMX
    why TEXT                     -- NULL: an editor's English, else why it is only a suggestion
);
CREATE INDEX IF NOT EXISTS entries_khash ON entries (khash);
CREATE INDEX IF NOT EXISTS entries_corrections ON entries (khash) WHERE correction = 1;
CREATE TABLE IF NOT EXISTS grams (
    token INTEGER NOT NULL, length INTEGER NOT NULL, entry INTEGER NOT NULL,
    PRIMARY KEY (token, length, entry)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fuzzy (
    key TEXT NOT NULL, threshold INTEGER NOT NULL,
    last INTEGER NOT NULL,       -- the highest entry id when the matches were found
    matches TEXT NOT NULL,       -- JSON: [[entry id, score], ...]
    PRIMARY KEY (key, threshold)
) WITHOUT ROWID;
"""


def key_hash(key: str) -> int:
    """The 64-bit hash exact matches are looked up by."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


@dataclass(frozen=True)
class Status:
    """What the memory holds, for ``tm status``."""

    entries: int  # editors' English and notes, suggestions aside
    corrections: int  # from editions editors corrected (English or notes)
    from_tmx: int
    notes_only: int
    suggestions: int = 0


@dataclass(frozen=True)
class Stored:
    """An entry as the store holds it: its row, and whether the open change added it."""

    entry: Entry
    row_id: int
    added: bool = False


class Prepared(NamedTuple):
    """What the store needs of a sentence, worked out apart (in another process, for a large
    import): its key's hash, and the length and tokens of its fuzzy index postings."""

    khash: int
    length: int
    tokens: tuple[int, ...]


def _entry(row: Sequence[Any]) -> Entry:
    """An Entry from a row of ``_COLUMNS``."""
    notes = tuple(json.loads(row[6])) if row[6] else ()
    return Entry(row[1], row[2], row[3], row[4], row[5], notes)


class TranslationMemory:
    """The memory of one ``tm/`` folder. ``normalizer`` is the glossary's (``memory.normalize``);
    without one the store keeps the keys it has and reads with the plain normalization."""

    def __init__(self, directory: Path, normalizer: Normalizer | None = None):
        self.directory = directory
        self.path = directory / FILE_NAME
        self.suggestions_path = directory / SUGGESTIONS_FILE
        self.store_path = directory / STORE_NAME
        self.normalizer = normalizer or PLAIN_NORMALIZER
        self._given = normalizer is not None
        self.notices: list[str] = []  # what the user should hear about (a migration, a rebuild)
        self._db: sqlite3.Connection | None = None
        self._ranks: fuzzy.Ranks | None = None
        self._keys: dict[str, tuple[str, str]] = {}  # the last texts normalized (often again)
        self._first_new = 0  # the first entry id the open change adds
        self._changed = False
        self._changed_suggestions = False
        self._next_id = 0
        self._pending: list[tuple] = []  # rows added, not yet inserted (inserted in batches)
        self._pending_grams: list[tuple] = []  # (entry, length, token 1, ... token 4)
        self._pending_by_hash: dict[int, list[Stored]] = {}  # editors' entries only
        self._pending_suggestions: dict[int, list[Stored]] = {}
        self._cache: dict[str, tuple[Stored, ...]] = {}  # lookups outside a change
        self._looked_up: dict[int, list[Stored]] = {}  # a batch's lookups (``look_up``)
        self._changes: dict[int, list[tuple]] = {}  # an entry id -> the entries added after it
        self._dropped: list[int] = []  # entries the open change added, then removed
        self._staged_grams = 0  # entries with postings in temp.new_grams
        if self.path.is_dir():
            raise InputError(
                f"{self.path}: cannot read the translation memory (it is a folder); "
                "move it aside or restore the file"
            )
        if self.path.exists() or self.suggestions_path.exists() or self.store_path.exists():
            self._start()

    # --- the store --------------------------------------------------------------------

    def _start(self) -> None:
        """Open the store and bring it up to date with the files: under the memory folder's
        lock (``memory.lock``) whenever that writes anything (a new store, a migration, a
        rebuild after a git pull, new keys); a store already up to date is only read."""
        if self.store_path.is_file() and self.store_path.stat().st_size:
            with suppress(sqlite3.DatabaseError):  # damaged: set aside below, under the lock
                self._db = sqlite3.connect(
                    self.store_path, timeout=BUSY_SECONDS, isolation_level=None
                )
            if self._db is not None and self._current():
                self._db.execute("PRAGMA synchronous=NORMAL")
                return
            self.close()
        with self._locked():
            self._connect()
            self._sync()
            if self._given and self._meta("normalizer") != self.normalizer.fingerprint:
                with self._transaction():
                    self._rekey()

    def _current(self) -> bool:
        """Whether the store opened is of this version and up to date with the files and the
        glossary (nothing to write)."""
        if self._db is None:
            return False
        try:
            if _schema(self._db) != SCHEMA:
                return False
            if any(_stat(path) != self._meta(f"{name}_stat") for name, path in self._files()):
                return False
            return not (self._given and self._meta("normalizer") != self.normalizer.fingerprint)
        except sqlite3.DatabaseError:
            return False

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The memory folder's lock, for a change of the store or the files; none for a folder
        this process cannot write (the store is then in memory and nothing is written)."""
        if self.directory.is_dir() and not os.access(self.directory, os.W_OK):
            yield
            return
        with memory_lock(self.directory):
            yield

    def _connect(self) -> None:
        created = not self.store_path.exists()
        try:
            self._db = self._open(self.store_path)
        except sqlite3.DatabaseError as exc:
            if _unwritable(exc) or cannot_write(exc):  # read-only, full: a store in memory
                if created:
                    for suffix in ("", "-wal", "-shm", "-journal"):
                        Path(f"{self.store_path}{suffix}").unlink(missing_ok=True)
                self._db = self._open(":memory:")
                self.notices.append(
                    f"{self.directory}: cannot write the memory's index there ({exc}); the "
                    "memory is read into memory for this run"
                )
                return
            self._set_aside()
            self._db = self._open(self.store_path)
        if created and self.store_path.exists():
            self._ignore_store()

    def _open(self, where: Path | str) -> sqlite3.Connection:
        if isinstance(where, Path) and where.is_dir():
            raise sqlite3.DatabaseError("a folder is in its place")
        db = sqlite3.connect(where, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if _schema(db) != SCHEMA:  # new, or an index of another version: built afresh
                db.execute("BEGIN IMMEDIATE")
                if _schema(db) != SCHEMA:  # read again under the lock: another may have done it
                    tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                    for (table,) in tables.fetchall():
                        db.execute(f'DROP TABLE IF EXISTS "{table}"')
                    for statement in _TABLES.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA,))
                db.execute("COMMIT")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _set_aside(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.store_path.with_name(f"{self.store_path.name}.damaged-{stamp}")
        try:
            os.replace(self.store_path, aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{self.store_path}{suffix}").unlink(missing_ok=True)
        except OSError as exc:
            raise EnvironmentProblem(
                f"{self.store_path}: the memory's index is damaged and cannot be moved aside "
                f"({exc.strerror}); delete it (it is rebuilt from {FILE_NAME})"
            ) from None
        self.notices.append(
            f"{self.store_path}: damaged index of the memory moved aside to {aside.name}; "
            f"rebuilt from {FILE_NAME}"
        )

    def _ignore_store(self) -> None:
        """Tell git the store is not to be committed (once, if tm/ has no .gitignore)."""
        ignore = self.directory / IGNORE_FILE
        if not ignore.exists():
            with suppress(OSError):
                ignore.write_text(
                    f"# the memory's index, rebuilt from {FILE_NAME}\n/{STORE_NAME}*\n"
                )

    def _meta(self, name: str) -> str | None:
        assert self._db is not None
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, name: str, value: object) -> None:
        assert self._db is not None
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, str(value)))

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on any exception)."""
        assert self._db is not None
        self._db.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KB}")  # the indexes' pages at hand
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise EnvironmentProblem(
                f"{self.store_path}: the translation memory is busy ({exc}): another import is "
                "writing it; try again when it is done"
            ) from None
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException as exc:
            if self._db.in_transaction:  # SQLite may have rolled back already (a full disk)
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and cannot_write(exc):
                raise EnvironmentProblem(
                    f"{self.store_path}: cannot write the translation memory's index ({exc}); "
                    "free space on its disk or fix the folder's permissions and run again "
                    "(nothing changed)"
                ) from None
            raise
        finally:
            self._db.execute("PRAGMA cache_size = -2000")  # SQLite's default, for reading
            self._pending, self._pending_grams, self._pending_by_hash = [], [], {}
            self._looked_up = {}
            self._next_id = 0
            self._cache.clear()

    @property
    def ranks(self) -> fuzzy.Ranks:
        """The order of rarity the fuzzy index ranks characters by: kept in the store, so its
        postings and its lookups always agree."""
        if self._ranks is None:
            order = self._meta("rarity") if self._db is not None else None
            self._ranks = fuzzy.Ranks(order or fuzzy.rarity_order())
        return self._ranks

    # --- the file and the store agree --------------------------------------------------

    def _files(self) -> tuple[tuple[str, Path], ...]:
        """The files the store is built from, by the name their state has in ``meta``."""
        return (("file", self.path), ("suggestions", self.suggestions_path))

    def _sync(self) -> None:
        """Rebuild the store from the files when they are not what the store last saw."""
        stats = {name: _stat(path) for name, path in self._files()}
        if all(stat == self._meta(f"{name}_stat") for name, stat in stats.items()):
            return
        with self._transaction():
            self._sync_locked()

    def _sync_locked(self) -> None:
        """Inside a write transaction: the same check, with the store's state read again (another
        process may have rebuilt it meanwhile). A file whose time or size changed but not its
        content only has its new state remembered."""
        changed = False
        for name, path in self._files():
            stat = _stat(path)
            if stat == self._meta(f"{name}_stat"):
                continue
            if _digest(path) == self._meta(f"{name}_hash"):
                self._set_meta(f"{name}_stat", stat)
            else:
                changed = True
        if not changed:
            return
        first = self._meta("file_hash") is None
        count = self._rebuild()
        if first and count:
            self.notices.append(
                f"{self.path}: the translation memory ({count} entries) is now indexed in "
                f"{self.store_path.name} beside it (rebuilt from {FILE_NAME} whenever that "
                f"changes; not committed); {FILE_NAME} stays the file to commit, written sorted "
                "from now on"
            )
        elif not first:
            self.notices.append(
                f"{self.directory}: the memory's files changed since it last read them (a git "
                f"pull?); {count} entries read again"
            )

    def _rebuild(self) -> int:
        """Replace the store's entries with the files'; InputError naming a damaged line."""
        assert self._db is not None
        db = self._db
        for table in ("entries", "grams", "fuzzy"):
            db.execute(f"DELETE FROM {table}")
        if self._meta("rarity") is None:  # a new store: its order of rarity, for good
            order = fuzzy.rarity_order()
            self._set_meta("rarity", order)
            self._ranks = fuzzy.Ranks(order)
        self._begin_change()
        count = 0
        for name, path in self._files():
            stat, digest = _stat(path), hashlib.sha256()
            if stat != "absent":
                try:
                    with path.open("rb") as handle:
                        if name == "file":
                            for entry in read_lines(_Hashing(handle, digest)):
                                self._add(entry)
                                count += 1
                        else:
                            for suggestion in read_suggestions(_Hashing(handle, digest)):
                                self._add_suggestion(suggestion)
                except LineError as exc:
                    where = f"{path}:{exc.line}" if "UTF-8" not in exc.why else str(path)
                    advice = (
                        "restore it from version control"
                        if "UTF-8" in exc.why
                        else "fix the line or restore the file from version control"
                    )
                    raise InputError(f"{where}: {exc.why}; {advice}") from None
                except OSError as exc:
                    raise _cannot_read(path, exc) from None
            self._set_meta(f"{name}_hash", digest.hexdigest() if stat != "absent" else "absent")
            self._set_meta(f"{name}_stat", stat)
        self._flush()
        count -= self._drop_repeated()
        self._index_grams()
        self._changed = self._changed_suggestions = False
        self._set_meta("normalizer", self.normalizer.fingerprint)
        return count

    def _rekey(self) -> None:
        """Inside a write transaction: the keys again, with this normalizer (the glossary's
        variants changed). Only entries whose key changes are written."""
        assert self._db is not None
        key = self.normalizer.key
        changed = [
            (new, row_id)
            for row_id, source, old in self._db.execute("SELECT id, source, khash FROM entries")
            if (new := key_hash(key(source))) != old
        ]
        self._db.executemany("UPDATE entries SET khash = ? WHERE id = ?", changed)
        self._db.execute("DELETE FROM fuzzy")  # scores are of keys
        self._set_meta("normalizer", self.normalizer.fingerprint)

    # --- changes ------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One change of the memory, all or nothing: ``put`` and ``remove`` inside it; when
        something changed, the file is rewritten from the store before the commit."""
        if self._db is None:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _cannot_write(self.directory, exc) from None
        with self._locked():
            if self._db is None:
                self._connect()
            with self._transaction():
                self._sync_locked()
                if self._given and self._meta("normalizer") != self.normalizer.fingerprint:
                    self._rekey()
                self._begin_change()
                yield
                if self._changed or self._changed_suggestions:
                    self._flush()
                    self._index_grams()
                    self._write_files()
        self._changed = self._changed_suggestions = False

    def _begin_change(self) -> None:
        assert self._db is not None
        self._first_new = (self._db.execute("SELECT max(id) FROM entries").fetchone()[0] or 0) + 1
        self._next_id = self._first_new
        self._changed = self._changed_suggestions = False
        self._dropped = []
        self._db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS new_grams (entry INT, length INT, "
            + ", ".join(f"t{n} INT" for n in range(fuzzy.SIGNATURE))
            + ")"
        )
        self._db.execute("DELETE FROM temp.new_grams")
        self._staged_grams = 0

    def _index_grams(self) -> None:
        """The postings of the entries added, into the fuzzy index in its own order: one sorted
        pass, far cheaper than keeping it sorted entry by entry."""
        assert self._db is not None
        dropped = ",".join(str(i) for i in self._dropped)
        postings = " UNION ALL ".join(
            f"SELECT t{n}, length, entry FROM temp.new_grams WHERE t{n} IS NOT NULL "
            f"AND entry NOT IN ({dropped})"
            for n in range(fuzzy.SIGNATURE)
        )
        self._db.execute(f"INSERT OR IGNORE INTO grams {postings} ORDER BY 1, 2, 3")
        self._db.execute("DELETE FROM temp.new_grams")
        self._staged_grams = 0

    def _need_writing(self) -> sqlite3.Connection:
        if self._db is None or not self._db.in_transaction:
            raise RuntimeError("the translation memory changes only inside writing()")
        return self._db

    def put(self, entry: Entry, replace: bool = True, prepared: Prepared | None = None) -> Stored:
        """Add ``entry``, replacing the entry of the same sentence (``replace=False``: the
        caller knows there is none); ``prepared``: ``prepare(entry.source)``, if at hand."""
        self._need_writing()
        if replace:
            self.remove(entry.source)
        return self._add(entry, prepared)

    def prepare(self, source: str) -> Prepared:
        """What the store needs of ``source``."""
        khash, plain = self.key_of(source)
        return self.postings(khash, source if plain is None else plain)

    def key_of(self, source: str) -> tuple[int, str | None]:
        """``source``'s key hash, and its glossary-free key when that is not ``source`` itself:
        the half of ``prepare`` that needs the glossary and nothing of the store, so a process
        reading a TMX can do it."""
        plain, key = self._both(source)
        return key_hash(key), None if plain == source else plain

    def postings(self, khash: int, plain: str) -> Prepared:
        """The other half of ``prepare``, from ``key_of``'s (``plain``: the glossary-free key)."""
        return Prepared(khash, len(plain), tuple(self.ranks.tokens(plain, fuzzy.SIGNATURE)))

    def suggest(self, suggestion: Suggestion, prepared: Prepared | None = None) -> bool:
        """Add a suggestion (``memory.entry.Suggestion``: offered as a fuzzy match, never used
        as a translation); False when the memory has it already, as a suggestion or as the
        editors' English of the sentence. ``prepared``: ``prepare(suggestion.source)``, if at
        hand."""
        self._need_writing()
        if self.has_suggestion(suggestion.source, suggestion.english, prepared):
            return False
        found = self._lookup(suggestion.source, prepared)
        if next((s.entry.english for s in found if s.entry.english), None) == suggestion.english:
            return False
        self._add_suggestion(suggestion, prepared)
        return True

    def has_suggestion(self, source: str, english: str, prepared: Prepared | None = None) -> bool:
        """Whether the memory holds this English as a suggestion for exactly this sentence."""
        if self._db is None:
            return False
        khash = prepared.khash if prepared is not None else key_hash(self.key(source))
        if any(
            s.entry.source == source and s.entry.english == english
            for s in self._pending_suggestions.get(khash, ())
        ):
            return True
        return (
            self._db.execute(
                "SELECT 1 FROM entries WHERE khash = ? AND source = ? AND english = ? "
                "AND why IS NOT NULL",
                (khash, source, english),
            ).fetchone()
            is not None
        )

    def _add_suggestion(self, suggestion: Suggestion, prepared: Prepared | None = None) -> None:
        entry = Entry(suggestion.source, suggestion.english, "", suggestion.origin, suggestion.time)
        prepared = prepared or self.prepare(entry.source)
        stored = self._add(entry, prepared, why=suggestion.why)
        self._pending_suggestions.setdefault(prepared.khash, []).append(stored)

    def _add(
        self, entry: Entry, prepared: Prepared | None = None, why: str | None = None
    ) -> Stored:
        """Queue ``entry`` (a suggestion, with ``why``) for insertion with its fuzzy postings
        (inserted in batches)."""
        row_id = self._next_id
        self._next_id += 1
        khash, length, tokens = prepared or self.prepare(entry.source)
        notes = notes_json(entry.notes)
        self._pending.append(
            (row_id, khash, entry.source, entry.english, entry.id, entry.origin, entry.time,
             notes, 0 if entry.from_tmx or why else 1, why)
        )  # fmt: skip
        self._pending_grams.append((row_id, length, *tokens, *_NONE[len(tokens) :]))
        stored = Stored(entry, row_id, added=True)
        if why is None:
            self._pending_by_hash.setdefault(khash, []).append(stored)
            self._changed = True
        else:
            self._changed_suggestions = True
        if len(self._pending) >= _BATCH:
            self._flush()
        return stored

    def _flush(self) -> None:
        if not self._pending:
            return
        assert self._db is not None
        self._looked_up = {}
        self._db.executemany(
            "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self._pending
        )
        marks = ", ".join("?" * (2 + fuzzy.SIGNATURE))
        self._db.executemany(f"INSERT INTO temp.new_grams VALUES ({marks})", self._pending_grams)
        self._staged_grams += len(self._pending_grams)
        self._pending, self._pending_grams, self._pending_by_hash = [], [], {}
        self._pending_suggestions = {}
        if self._staged_grams >= _INDEX_EVERY:  # while the reading process works on
            self._index_grams()

    def remove(self, source: str) -> None:
        """Remove the entry of exactly this sentence, if any."""
        db = self._need_writing()
        khash = key_hash(self.key(source))
        pending = [s for s in self._pending_by_hash.get(khash, []) if s.entry.source == source]
        if pending:  # added in this change, not yet inserted: rare (a TMX giving one back)
            self._flush()
        rows = db.execute(
            "SELECT id FROM entries WHERE khash = ? AND source = ? AND why IS NULL",
            (khash, source),
        ).fetchall()
        for (row_id,) in rows:
            self._delete(row_id, source)
        self._looked_up = {}

    def _delete(self, row_id: int, source: str) -> None:
        assert self._db is not None
        if row_id >= self._first_new:  # its postings may be staged still: left out then
            self._dropped.append(row_id)
        plain = self._plain(source)
        tokens = self.ranks.tokens(plain, fuzzy.SIGNATURE)
        self._db.executemany(
            "DELETE FROM grams WHERE token = ? AND length = ? AND entry = ?",
            [(token, len(plain), row_id) for token in tokens],
        )
        self._db.execute("DELETE FROM entries WHERE id = ?", (row_id,))
        self._changed = True

    def _drop_repeated(self) -> int:
        """Files with one sentence on several lines (edited by hand): the last line wins, as
        it always did (a suggestion: one line per sentence and English). How many editors'
        entries were dropped."""
        assert self._db is not None
        dropped = 0
        for group, kind in (("source", "why IS NULL"), ("source, english", "why IS NOT NULL")):
            repeated = self._db.execute(
                f"SELECT id, source FROM entries WHERE {kind} AND id NOT IN "
                f"(SELECT max(id) FROM entries WHERE {kind} GROUP BY {group})"
            ).fetchall()
            for row_id, source in repeated:
                self._delete(row_id, source)
            if kind == "why IS NULL":
                dropped = len(repeated)
        return dropped

    def _write_files(self) -> None:
        """The files whose entries changed, from the store, sorted, atomically;
        EnvironmentProblem when one cannot be written (the transaction is then rolled back:
        nothing changes)."""
        assert self._db is not None
        self._flush()
        if self._changed:
            self._write(
                "file",
                self.path,
                "SELECT source, english, segment, origin, time, notes FROM entries "
                "WHERE why IS NULL ORDER BY source",
                line_of,
            )
        if self._changed_suggestions:
            self._write(
                "suggestions",
                self.suggestions_path,
                "SELECT source, english, origin, time, why FROM entries "
                "WHERE why IS NOT NULL ORDER BY source, english",
                line_of_suggestion,
            )

    def _write(self, name: str, path: Path, query: str, line: Callable[..., str]) -> None:
        assert self._db is not None
        if path.exists() and not os.access(path, os.W_OK):
            raise EnvironmentProblem(
                f"{path}: the translation memory is read-only; nothing imported "
                "(make it writable and import again)"
            )
        digest = hashlib.sha256()

        def write(tmp: Path) -> None:
            assert self._db is not None
            rows = self._db.execute(query)
            with tmp.open("wb") as out:
                while batch := rows.fetchmany(10_000):
                    chunk = "".join(line(*row) + "\n" for row in batch).encode()
                    digest.update(chunk)
                    out.write(chunk)

        try:
            os.replace(staged(path, write), path)
        except OSError as exc:
            raise _cannot_write(path, exc) from None
        self._set_meta(f"{name}_hash", digest.hexdigest())
        self._set_meta(f"{name}_stat", _stat(path))

    # --- reading ------------------------------------------------------------------------

    def key(self, text: str) -> str:
        """``text`` normalized (``memory.normalize``)."""
        return self._both(text)[1]

    def _plain(self, text: str) -> str:
        """``text`` normalized but for the glossary: what the fuzzy index reads."""
        return self._both(text)[0]

    def _both(self, text: str) -> tuple[str, str]:
        keys = self._keys.get(text)
        if keys is None:
            if len(self._keys) > 64:
                self._keys.clear()
            keys = self._keys[text] = self.normalizer.keys(text)
        return keys

    def hash(self, text: str) -> int:
        """``key_hash`` of the normalized ``text``: what ``orphans`` compares."""
        return key_hash(self.key(text))

    def look_up(self, batch: Sequence[Prepared]) -> None:
        """Inside a change: read the entries of a batch of sentences at once (one query), for
        the ``stored`` that follow, until the next ``put`` reaches the database."""
        assert self._db is not None
        self._flush()
        hashes = list({p.khash for p in batch})
        found: dict[int, list[Stored]] = {khash: [] for khash in hashes}
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = (
                f"SELECT {_COLUMNS}, khash FROM entries WHERE khash IN ({marks}) AND why IS NULL"
            )
            for row in self._db.execute(query, chunk):
                found[row[7]].append(Stored(_entry(row), row[0], added=self._first_new <= row[0]))
        self._looked_up = found

    def _lookup(self, text: str, prepared: Prepared | None = None) -> tuple[Stored, ...]:
        """The entries whose normalized Chinese is ``text``'s: exactly ``text`` first, then
        the latest."""
        if self._db is None:
            return ()
        outside = not self._db.in_transaction
        if outside and text in self._cache:
            return self._cache[text]
        khash = prepared.khash if prepared is not None else key_hash(self.key(text))
        first_new = self._first_new if not outside else 0
        if khash in self._looked_up:
            found = list(self._looked_up[khash])
        else:
            found = [
                Stored(_entry(row), row[0], added=0 < first_new <= row[0])
                for row in self._db.execute(
                    f"SELECT {_COLUMNS} FROM entries WHERE khash = ? AND why IS NULL", (khash,)
                )
            ]
        found += self._pending_by_hash.get(khash, [])
        found.sort(key=lambda s: (s.entry.source != text, _negated(s.entry.time), s.entry.source))
        result = tuple(found)
        if outside:
            if len(self._cache) > 8192:
                self._cache.clear()
            self._cache[text] = result
        return result

    def stored(self, text: str, prepared: Prepared | None = None) -> Stored | None:
        """The entry ``get`` takes its English from; else the notes-only entry of exactly this
        sentence; else None."""
        found = self._lookup(text, prepared)
        with_english = next((s for s in found if s.entry.english is not None), None)
        if with_english is not None:
            return with_english
        return next((s for s in found if s.entry.source == text), None)

    def get(self, text: str) -> str | None:
        """The editors' English for the sentence ``text`` (normalized), if any."""
        return next((s.entry.english for s in self._lookup(text) if s.entry.english), None)

    def notes(self, text: str) -> tuple[str, ...]:
        """The editors' notes on the sentence ``text`` (normalized), from every entry of it."""
        return tuple(dict.fromkeys(n for s in self._lookup(text) for n in s.entry.notes))

    def entry(self, source: str) -> Entry | None:
        """The entry of exactly this sentence."""
        return next((s.entry for s in self._lookup(source) if s.entry.source == source), None)

    def entries(self) -> Iterator[Entry]:
        """Every entry, sorted by sentence (streamed)."""
        if self._db is None:
            return
        self._flush()
        self._flush()
        for row in self._db.execute(
            f"SELECT {_COLUMNS} FROM entries WHERE why IS NULL ORDER BY source"
        ):
            yield _entry(row)

    def __len__(self) -> int:
        if self._db is None:
            return 0
        return self._db.execute("SELECT count(*) FROM entries WHERE why IS NULL").fetchone()[0]

    def status(self) -> Status:
        if self._db is None:
            return Status(0, 0, 0, 0, 0)
        row = self._db.execute(
            "SELECT sum(why IS NULL), sum(correction), sum(1 - correction AND why IS NULL), "
            "sum(english IS NULL), sum(why IS NOT NULL) FROM entries"
        ).fetchone()
        return Status(*(value or 0 for value in row))

    # --- orphans: corrections no source has any more ------------------------------------

    @contextmanager
    def _present(self, hashes: Iterable[int]) -> Iterator[None]:
        assert self._db is not None
        db = self._db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS present (khash INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM temp.present")
        db.executemany("INSERT OR IGNORE INTO temp.present VALUES (?)", ((h,) for h in hashes))
        try:
            yield
        finally:
            db.execute("DELETE FROM temp.present")

    def orphans(self, hashes: Iterable[int]) -> Iterator[Entry]:
        """The editors' corrections (not TMX entries) whose sentence hashes to none of
        ``hashes`` (``key_hash(memory.key(sentence))`` of every sentence of today's sources)."""
        if self._db is None:
            return
        with self._present(hashes):
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM entries WHERE correction = 1 AND khash NOT IN "
                "(SELECT khash FROM temp.present) ORDER BY source"
            ).fetchall()
        yield from (_entry(row) for row in rows)

    def count_orphans(self, hashes: Iterable[int]) -> int:
        """How many editors' corrections ``orphans`` would list (their own index: a build asks,
        and TMX entries may be millions)."""
        if self._db is None:
            return 0
        with self._present(hashes):
            return self._db.execute(
                "SELECT count(*) FROM entries INDEXED BY entries_corrections WHERE correction = 1 "
                "AND khash NOT IN (SELECT khash FROM temp.present)"
            ).fetchone()[0]

    def count_elsewhere(self, hashes: Iterable[int]) -> int:
        """How many TMX entries are for sentences that hash to none of ``hashes``."""
        if self._db is None:
            return 0
        with self._present(hashes):
            return self._db.execute(
                "SELECT count(*) FROM entries WHERE correction = 0 AND why IS NULL "
                "AND khash NOT IN (SELECT khash FROM temp.present)"
            ).fetchone()[0]

    # --- fuzzy matches -----------------------------------------------------------------

    def fuzzy(
        self, texts: Sequence[str], threshold: int, limit: int = 3
    ) -> list[tuple[FuzzyMatch, ...]]:
        """For each sentence, the entries with English at least ``threshold`` percent similar
        to it (``memory.fuzzy``), best first, at most ``limit``. What is found is kept in the
        store with the highest entry id of the time: a later lookup scores only the entries
        added since (an import of a few corrections), or searches again when they are many."""
        if self._db is None or not texts:
            return [() for _ in texts]
        last = self._db.execute("SELECT max(id) FROM entries").fetchone()[0] or 0
        keys = [self.key(text) for text in texts]
        cached = self._cached(keys, threshold)
        found: list[list[list[int]]] = []  # per sentence: [entry id, score], best first
        fresh: list[tuple[str, int, str]] = []
        for text, key in zip(texts, keys, strict=True):
            hit = cached.get(key)
            if hit is not None and hit[0] >= last:
                pairs = hit[1]
            elif hit is not None and (added := self._added_after(hit[0])) is not None:
                pairs = self._best(key, hit[1] + self._scored(key, added, threshold), limit)
            else:
                pairs = self._best(key, self._search(text, key, threshold), limit)
            if hit is None or hit[0] != last or pairs != hit[1]:
                fresh.append((key, last, json.dumps(pairs)))
            found.append(pairs)
        self._keep(fresh, threshold)
        return [self._matches(text, pairs) for text, pairs in zip(texts, found, strict=True)]

    def _cached(self, keys: Sequence[str], threshold: int) -> dict[str, tuple[int, list]]:
        """The fuzzy matches kept for ``keys``, less those whose entry is gone since."""
        assert self._db is not None
        cached: dict[str, tuple[int, list]] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, last, matches in self._db.execute(
                f"SELECT key, last, matches FROM fuzzy WHERE threshold = ? AND key IN ({marks})",
                (threshold, *chunk),
            ):
                cached[key] = (last, json.loads(matches))
        ids = list({pair[0] for _, pairs in cached.values() for pair in pairs})
        present: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            present.update(
                row[0]
                for row in self._db.execute(
                    f"SELECT id FROM entries WHERE english IS NOT NULL AND id IN ({marks})", chunk
                )
            )
        return {
            key: (last, [p for p in pairs if p[0] in present])
            for key, (last, pairs) in cached.items()
        }

    def _keep(self, fresh: list[tuple[str, int, str]], threshold: int) -> None:
        """Keep fuzzy matches; skipped when a writer holds the store (it is only a cache)."""
        assert self._db is not None
        if not fresh:
            return
        db = self._db
        with self._locked_if_free() as free:
            if not free:
                return
            db.execute(f"PRAGMA busy_timeout = {CACHE_BUSY_MS}")
            try:
                db.execute("BEGIN IMMEDIATE")
                db.executemany(
                    "INSERT OR REPLACE INTO fuzzy VALUES (?, ?, ?, ?)",
                    [(key, threshold, last, matches) for key, last, matches in fresh],
                )
                db.execute("COMMIT")
            except sqlite3.OperationalError:
                if db.in_transaction:
                    db.execute("ROLLBACK")
            finally:
                db.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")

    @contextmanager
    def _locked_if_free(self) -> Iterator[bool]:
        """The memory folder's lock if no other process holds it (True), else False."""
        if self.directory.is_dir() and not os.access(self.directory, os.W_OK):
            yield True  # the store is in memory: this process's alone
            return
        with memory_lock_if_free(self.directory) as free:
            yield free

    def _search(self, text: str, key: str, threshold: int) -> list[list[int]]:
        """[entry id, score] of the entries the index proposes that reach ``threshold``."""
        assert self._db is not None
        plain = self._plain(text)
        low, high = fuzzy.length_range(len(plain), threshold)
        tokens = self.ranks.tokens(plain, fuzzy.LOOKED_UP)
        if not tokens:
            return []
        marks = ",".join("?" * len(tokens))
        ids = [
            row[0]
            for row in self._db.execute(
                f"SELECT entry FROM grams WHERE token IN ({marks}) AND length BETWEEN ? AND ? "
                "GROUP BY entry ORDER BY count(*) DESC, entry LIMIT ?",
                (*tokens, low, high, fuzzy.CANDIDATES),
            )
        ]
        if not ids:
            return []
        rows = self._db.execute(
            f"SELECT id, source FROM entries WHERE english IS NOT NULL "
            f"AND id IN ({','.join('?' * len(ids))})",
            ids,
        ).fetchall()
        return self._scored(key, rows, threshold)

    def _scored(self, key: str, rows: Iterable[tuple[int, str]], threshold: int) -> list[list[int]]:
        """[entry id, score] of the ``rows`` (id, Chinese) that reach ``threshold``."""
        low, high = fuzzy.length_range(len(key), threshold)
        scored = []
        for row_id, source in rows:
            other = self.key(source)
            if low <= len(other) <= high:
                score = fuzzy.similarity(key, other)
                if score >= threshold:
                    scored.append([row_id, score])
        return scored

    def _best(self, key: str, pairs: list[list[int]], limit: int) -> list[list[int]]:
        """The ``limit`` best, highest score first, then the latest entry (the highest id)."""
        unique = {row_id: score for row_id, score in pairs}
        ranked = sorted(unique.items(), key=lambda p: (-p[1], -p[0]))
        return [[row_id, score] for row_id, score in ranked[:limit]]

    def _added_after(self, last: int) -> list[tuple[int, str]] | None:
        """The entries (with English) added after entry ``last``: (id, Chinese); None when
        there are too many to bring kept matches up to date with (search again)."""
        assert self._db is not None
        if last not in self._changes:
            self._changes[last] = self._db.execute(
                "SELECT id, source FROM entries WHERE id > ? AND english IS NOT NULL LIMIT ?",
                (last, INCREMENTAL + 1),
            ).fetchall()
        rows = self._changes[last]
        return None if len(rows) > INCREMENTAL else rows

    def _matches(self, text: str, pairs: list[list[int]]) -> tuple[FuzzyMatch, ...]:
        assert self._db is not None
        if not pairs:
            return ()
        marks = ",".join("?" * len(pairs))
        rows = {
            row[0]: row
            for row in self._db.execute(
                f"SELECT {_COLUMNS}, why FROM entries WHERE id IN ({marks})",
                [p[0] for p in pairs],
            )
        }
        matches = []
        for row_id, score in pairs:
            if row_id in rows and rows[row_id][2] is not None:
                entry, why = _entry(rows[row_id]), rows[row_id][7]
                matches.append(
                    FuzzyMatch(
                        score,
                        entry.source,
                        entry.english or "",
                        entry.id,
                        entry.origin,
                        entry.time,
                        fuzzy.marked(entry.source, text),
                        why,
                    )
                )
        return tuple(matches)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class _Hashing:
    """A binary file's lines, hashed as they are read."""

    def __init__(self, handle, digest):
        self.handle, self.digest = handle, digest

    def __iter__(self) -> Iterator[bytes]:
        for line in self.handle:
            self.digest.update(line)
            yield line


def _stat(path: Path) -> str:
    """What tells a file changed without reading it: size, modification time, inode."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "absent"
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except FileNotFoundError:
        return "absent"
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    return digest.hexdigest()


def _schema(db: sqlite3.Connection) -> str | None:
    """The store's schema version; None when it has none (new, or not this store)."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
        return None
    row = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
    return row[0] if row else None


def _negated(iso: str) -> str:
    """A sort key putting later ISO times first."""
    return "".join(chr(0x10FFFF - ord(c)) if ord(c) < 0x10FFFF else c for c in iso)


def _unwritable(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc)
    return "readonly" in text or "unable to open" in text or "read-only" in text


def _cannot_read(path: Path, exc: OSError) -> InputError:
    return InputError(
        f"{path}: cannot read the translation memory ({exc.strerror}); "
        "fix its permissions or restore it"
    )


def _cannot_write(path: Path, exc: OSError) -> EnvironmentProblem:
    return EnvironmentProblem(
        f"{exc.filename or path}: cannot write the translation memory ({exc.strerror}); "
        "nothing imported"
    )
