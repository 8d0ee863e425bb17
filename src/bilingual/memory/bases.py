"""The bases of every edition the project built: what each editable file showed, row by row.

An editor's file is judged against the very table it was built with (a three-way merge, as
version control does), so the project keeps every edition table it writes, one JSON file per
edition identity in ``.bilingual/editions/``. Tables are content-addressed, so a rebuild that
changes nothing adds nothing. The same store answers "has the project ever written this English
for this sentence?", the rule for files whose identity was lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bilingual.document.editions import EditionRow, EditionTable, edition_by_code, normal_space
from bilingual.util.atomic import write_text

FOLDER = "editions"
IMPORT_LOG = "imported.json"


def table_to_json(table: EditionTable) -> str:
    data = asdict(table)
    data["edition"] = table.edition.code
    return json.dumps(data, ensure_ascii=False)


def table_from_json(text: str) -> EditionTable:
    """The table stored as ``text``; ValueError if it is not one."""
    try:
        data = json.loads(text)
        edition = edition_by_code(data["edition"])
        if edition is None:
            raise ValueError(f"unknown edition {data['edition']!r}")
        rows = tuple(EditionRow(**row) for row in data["rows"])
        return EditionTable(
            identity=data["identity"],
            name=data["name"],
            edition=edition,
            title=data["title"],
            source_path=data["source_path"],
            model=data["model"],
            opencc=data["opencc"],
            rows=rows,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not an edition table ({exc})") from None


@dataclass
class Written:
    """By Simplified sentence: every English, and every Notes line, the project ever wrote."""

    english: dict[str, set[str]] = field(default_factory=dict)
    notes: dict[str, set[str]] = field(default_factory=dict)


class EditionStore:
    def __init__(self, state: Path):
        self.folder = state / FOLDER

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def record(self, table: EditionTable) -> None:
        """Keep ``table`` (once: its file name is its content hash)."""
        path = self._path(table.key)
        if path.exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        write_text(path, table_to_json(table))

    def get(self, key: str) -> EditionTable | None:
        """The table of identity ``key``; None if unknown or unreadable."""
        try:
            return table_from_json(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None

    def tables(self) -> Iterator[EditionTable]:
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.json")):
            table = self.get(path.stem)
            if table is not None:
                yield table

    def written(self) -> Written:
        """Everything the project ever wrote into an edition or took from an editor's file."""
        written = Written()
        for table in self.tables():
            for row in table.rows:
                written.english.setdefault(row.source, set()).add(normal_space(row.english))
                written.notes.setdefault(row.source, set()).update(
                    normal_space(line) for line in row.notes.splitlines()
                )
        for source, taken in self._imported().items():
            written.english.setdefault(source, set()).update(taken)
        return written

    @property
    def _log(self) -> Path:
        return self.folder.parent / IMPORT_LOG

    def _imported(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self._log.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(v, list)}

    def record_imports(self, taken: dict[str, str]) -> None:
        """Remember editors' English taken into the memory (sentence -> English)."""
        if not taken:
            return
        log = self._imported()
        for source, english in taken.items():
            values = log.setdefault(source, [])
            if english not in values:
                values.append(english)
        self._log.parent.mkdir(parents=True, exist_ok=True)
        write_text(self._log, json.dumps(log, ensure_ascii=False))
