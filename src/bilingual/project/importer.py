"""Editors' round trip: edited editions (DOCX, and every format in ``returns.RETURNS``) into the
translation memory, by a three-way merge that never loses a correction.

Each returned file is judged against its own base, the table it was built with (found in the
project's edition store by the identity the file carries, else in the file itself):
- a row whose English equals its base is unchanged, whatever the memory says now;
- a row whose English differs from its base is an edit; it is taken when the memory still holds
  what it held when the file was built, and is a conflict (reported with both texts, nothing
  overwritten) when the memory changed since and differently;
- the memory is keyed by the Simplified sentence, so an edit of one occurrence of a repeated
  sentence serves all of them, and untouched repeats are not conflicts.
Files can therefore be imported in any order, in one command or several, any number of times.
Rows that cannot be read safely (merged cells, changed ID or Chinese, added, duplicated, English
or notes holding characters no output can hold: one rule for every format) are refused by ID;
editors' comments, footnotes and Notes-column text are kept as notes.

A row with no English at all (a CAT tool's unit left untranslated: its target empty or a copy
of the Chinese) is unchanged, whatever its base.

Without any base (identity and embedded base both lost), a row counts as edited only when its
English differs from every English the project ever wrote for that sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bilingual.document.characters import UNSUPPORTED, describe
from bilingual.document.editions import (
    EDITOR_NOTE,
    EditionTable,
    normal_space,
    parse_identity,
)
from bilingual.errors import InputError
from bilingual.glossary.terms import Glossary
from bilingual.memory.bases import EditionStore, Written
from bilingual.memory.translation_memory import Entry, TranslationMemory
from bilingual.project.settings import Settings
from bilingual.returns import ReturnedFile, ReturnedRow, is_lock_file, read_returned

_FILE_NAME = re.compile(
    r"^(?:Copy of )?(?P<name>.+)\.(?P<code>zh-Hans|zh-Hant)_en(?:\s*\(\d+\)|[-_ ]\w*)?$"
)


@dataclass
class Summary:
    edited: int = 0
    unchanged: int = 0
    refused: int = 0
    conflicts: int = 0
    tracked: int = 0  # rows that carried tracked changes
    notes: int = 0  # editors' notes kept
    problems: list[str] = field(default_factory=list)  # refusals and conflicts, one line each
    notices: list[str] = field(default_factory=list)  # what was not imported, said once
    failed_files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.refused or self.conflicts or self.failed_files)

    def line(self) -> str:
        return (
            f"{self.edited} edited, {self.unchanged} unchanged, {self.refused} refused, "
            f"{self.conflicts} conflicts; {self.tracked} rows with tracked changes, "
            f"{self.notes} notes kept"
        )

    def as_json(self) -> dict:
        return {
            "edited": self.edited,
            "unchanged": self.unchanged,
            "refused": self.refused,
            "conflicts": self.conflicts,
            "tracked_changes": self.tracked,
            "notes": self.notes,
            "problems": self.problems,
            "notices": self.notices,
            "failed_files": self.failed_files,
        }


_normal = normal_space


def _quote(text: str | None) -> str:
    return "(nothing)" if text is None else f"«{text}»"


def _new_note_lines(cell: str | None, base_notes: str) -> list[str]:
    """Lines an editor typed into the Notes column: those the build did not write."""
    if cell is None:
        return []
    written = {_normal(line) for line in base_notes.splitlines()}
    lines = [_normal(line) for line in cell.splitlines()]
    return [
        line[len(EDITOR_NOTE) :].strip() if line.startswith(EDITOR_NOTE) else line
        for line in lines
        if line and line not in written
    ]


@dataclass(frozen=True)
class _Expected:
    """What a row should hold: from the file's base, or (no base) from the current source."""

    source: str  # the Simplified sentence (memory key)
    chinese: str
    english: str | None  # None: no base; judged against everything ever written
    memory: str | None
    notes: str


@dataclass
class _Judged:
    """One readable row, with what its base says."""

    row: ReturnedRow
    source: str  # the Simplified sentence (memory key)
    base_english: str | None  # None: no base; judged against everything ever written
    base_memory: str | None
    notes: list[str]


class _Import:
    """One import command: the memory, the edition store and the running summary."""

    def __init__(self, settings: Settings, tracked: str, memory: TranslationMemory):
        self.settings, self.tracked = settings, tracked
        self._glossary: Glossary | None = None
        self.memory = memory
        self.store = EditionStore(settings.state)
        self.summary = Summary()
        self._written: Written | None = None
        self.taken: dict[str, str] = {}  # sentence -> English taken in this import
        self.now = datetime.now(UTC).replace(microsecond=0).isoformat()

    def glossary(self) -> Glossary:
        """The project's glossary, read when first needed: only a file without a base is
        judged against the current source, which is prepared with it."""
        if self._glossary is None:
            from bilingual.glossary.yaml_files import load_glossary

            glossary = self.settings.glossary
            self._glossary = (
                load_glossary(glossary, cache_dir=self.settings.state)
                if glossary.exists()
                else Glossary()
            )
        return self._glossary

    def history(self) -> Written:
        if self._written is None:
            self._written = self.store.written()
        return self._written

    def written(self, source: str) -> set[str]:
        """Every English the project ever wrote (or took) for ``source``."""
        return self.history().english.get(source, set())

    # --- one file ------------------------------------------------------------------------

    def base_of(self, returned: ReturnedFile) -> EditionTable | None:
        for identity in returned.identities:
            parsed = parse_identity(identity)
            if parsed is None:
                continue
            table = self.store.get(parsed[2])
            if table is not None and table.edition is returned.edition:
                return table
        return returned.embedded_base

    def refuse(self, path: Path, row: ReturnedRow, why: str) -> None:
        self.summary.refused += 1
        self.summary.problems.append(f"{path}: {row.id or row.where}: {why}; not imported")

    def import_file(self, returned: ReturnedFile) -> None:
        self.summary.notices.extend(returned.notices)
        base = self.base_of(returned)
        expected = self.from_base(base) if base is not None else self.from_source(returned)
        for source, rows in _by_source(self.judge(returned, expected, base is not None)).items():
            self.merge(returned.path, source, rows)

    @staticmethod
    def from_base(base: EditionTable) -> dict[str, _Expected]:
        return {
            r.id: _Expected(r.source, r.chinese, r.english, r.memory, r.notes) for r in base.rows
        }

    def from_source(self, returned: ReturnedFile) -> dict[str, _Expected]:
        """No base anywhere: what the current source says each row should hold, with no English
        to judge against (``english`` is None) and every Notes line ever written as written."""
        self.summary.notices.append(
            f"{returned.path}: the edition it was built from is not known to this project (its "
            "identity was removed); edits are told from machine English by everything ever "
            "written"
        )
        notes = self.history().notes
        return {
            s.id: _Expected(
                s.text, returned.edition.chinese(s), None, None, "\n".join(notes.get(s.text, ()))
            )
            for s in self.current_document(returned).segments
        }

    def _readable(self, path: Path, row: ReturnedRow, seen: set[str]) -> bool:
        if row.problem:
            self.refuse(path, row, row.problem)
        elif row.id in seen:
            self.refuse(path, row, "row appears twice")
        elif row.tracked and self.tracked == "refuse":
            self.refuse(path, row, "tracked changes not yet accepted or rejected (review them)")
        elif unsupported := _unsupported(row):
            self.refuse(path, row, unsupported)
        else:
            return True
        return False

    def judge(
        self, returned: ReturnedFile, expected: dict[str, _Expected], has_base: bool
    ) -> list[_Judged]:
        """The rows that can be read safely, each with what it should hold; the rest refused."""
        path = returned.path
        where = "this edition" if has_base else "the current source"
        changed = (
            "its Chinese was changed in the file; only English is taken"
            if has_base
            else "its Chinese no longer matches the source"
        )
        seen: set[str] = set()
        judged = []
        for row in returned.rows:
            base = expected.get(row.id)
            if not self._readable(path, row, seen):
                pass
            elif base is None:
                self.refuse(path, row, f"no such row in {where} (added, or its ID changed)")
            elif _normal(row.chinese) != _normal(base.chinese):
                self.refuse(path, row, changed)
            elif base.english is None and not (
                self.written(base.source) or self.memory.get(base.source)
            ):
                self.refuse(
                    path,
                    row,
                    "no record of the English this row was built with, so an edit cannot be "
                    "told from machine English; rebuild and edit the new edition",
                )
            else:
                notes = list(row.remarks) + _new_note_lines(row.notes_cell, base.notes)
                judged.append(_Judged(row, base.source, base.english, base.memory, notes))
            if row.id:
                seen.add(row.id)
        missing = [row_id for row_id in expected if row_id not in seen]
        if missing:
            self.summary.notices.append(
                f"{path}: rows missing (deleted?), nothing to import: {', '.join(missing)}"
            )
        return judged

    def current_document(self, returned: ReturnedFile):
        from bilingual.project.build import find_source, prepare
        from bilingual.readers import read_source
        from bilingual.stages.traditional import convert_document

        name = None
        for identity in returned.identities:
            if parsed := parse_identity(identity):
                name = parsed[0]
                break
        if name is None and (match := _FILE_NAME.match(returned.path.stem)):
            name = match["name"]
        if name is None:
            raise InputError(
                f"{returned.path}: cannot tell which article this edition belongs to (its "
                "identity was removed and its file name was changed); nothing imported"
            )
        source = find_source(self.settings.seeds, name)
        if source is None:
            raise InputError(
                f"{returned.path}: the source of this edition ({self.settings.seeds}/{name}.*) "
                "is gone; nothing imported"
            )
        document = prepare(read_source(source), self.glossary())
        if returned.edition.traditional:
            document = convert_document(document, self.settings.traditional)
        return document

    # --- one sentence --------------------------------------------------------------------

    def merge(self, path: Path, source: str, rows: list[_Judged]) -> None:
        """Decide one sentence from all its rows in one file."""
        current = self.memory.get(source)
        edits: dict[str, list[_Judged]] = {}
        for item in rows:
            if item.row.tracked:
                self.summary.tracked += 1
            english = _normal(item.row.english)
            if item.row.untranslated or self.untouched(item, english, current):
                self.summary.unchanged += 1
            elif not english:
                self.refuse(path, item.row, "English cell is empty")
            else:
                edits.setdefault(english, []).append(item)
        self.keep_notes(path, source, rows)
        if len(edits) > 1:
            ids = ", ".join(i.row.id for items in edits.values() for i in items)
            for items in edits.values():
                for item in items:
                    self.conflict(
                        path,
                        item.row,
                        f"the same sentence is edited differently in rows {ids} of this file",
                    )
            return
        if not edits:
            return
        ((english, items),) = edits.items()
        first = items[0]
        if english == current:
            self.summary.unchanged += len(items)
        elif current == first.base_memory:  # the memory is as when the file was built
            self.take(path, source, english, first.row.id)
            self.summary.edited += len(items)
        elif first.base_english is not None and english in self.written(source):
            # This very correction was taken before and has since been replaced.
            self.summary.unchanged += len(items)
            self.summary.notices.append(
                f"{path}: {first.row.id}: its correction was imported before and replaced since "
                f"by {_quote(current)}; kept"
            )
        else:
            for item in items:
                self.conflict(
                    path,
                    item.row,
                    f"conflict: the memory now reads {_quote(current)}, imported since this file "
                    f"was built; the file reads {_quote(english)}. Nothing changed: rebuild and "
                    "correct the new edition to choose",
                )

    def untouched(self, item: _Judged, english: str, current: str | None) -> bool:
        """Whether the row's English is what its file was built with.

        Without a base: whether it is anything the project ever wrote for the sentence.
        """
        if item.base_english is not None:
            return english == _normal(item.base_english)
        return english in self.written(item.source) or english == current

    def conflict(self, path: Path, row: ReturnedRow, why: str) -> None:
        self.summary.conflicts += 1
        self.summary.problems.append(f"{path}: {row.id}: {why}")

    def take(self, path: Path, source: str, english: str, row_id: str) -> None:
        self.taken[source] = english
        earlier = self.memory.entry(source)
        notes = earlier.notes if earlier else ()
        self.memory.put(Entry(source, english, row_id, path.name, self.now, notes))

    def keep_notes(self, path: Path, source: str, rows: list[_Judged]) -> None:
        notes = tuple(dict.fromkeys(n for item in rows for n in item.notes))
        entry = self.memory.entry(source)
        new = [n for n in notes if entry is None or n not in entry.notes]
        if not new:
            return
        self.summary.notes += len(new)
        if entry is None:
            entry = Entry(source, None, rows[0].row.id, path.name, self.now)
        self.memory.put(entry.with_notes(tuple(new)))


def _unsupported(row: ReturnedRow) -> str | None:
    """Why a row's English or notes cannot be taken: characters no output can hold (the rule
    sources are read by, ``document.characters``), from any format; None when there are none."""
    for what, texts in (
        ("the English", (row.english,)),
        ("a note", (row.notes_cell or "", *row.remarks)),
    ):
        found = dict.fromkeys(c for text in texts for c in UNSUPPORTED.findall(text))
        if found:
            listed = ", ".join(describe(c) for c in found)
            return f"{what} holds {listed}, which no output can hold; remove it"
    return None


def _by_source(judged: Iterable[_Judged]) -> dict[str, list[_Judged]]:
    grouped: dict[str, list[_Judged]] = {}
    for item in judged:
        grouped.setdefault(item.source, []).append(item)
    return grouped


def expand(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The files to import: folders give their editions; Word's lock files are skipped."""
    from bilingual.returns import RETURNS

    files, notices = [], []
    for path in paths:
        candidates = (
            sorted(p for p in path.iterdir() if p.suffix.lower() in RETURNS)
            if path.is_dir()
            else [path]
        )
        if not candidates:
            raise InputError(
                f"{path}: no edition to import in this folder ({', '.join(RETURNS)} files)"
            )
        for candidate in candidates:
            if is_lock_file(candidate):
                notices.append(f"{candidate}: Word's lock file, not an edition; skipped")
            else:
                files.append(candidate)
    return files, notices


def import_files(paths: list[Path], settings: Settings, tracked_changes: str = "accept") -> Summary:
    from bilingual.memory.lock import memory_lock
    from bilingual.project.build import build_lock

    files, notices = expand(paths)
    with build_lock(settings.state), memory_lock(settings.tm):
        memory = TranslationMemory(settings.tm)
        try:
            with memory.writing():  # one transaction: what is read is what is changed
                run = _Import(settings, tracked_changes, memory)
                run.summary.notices.extend(notices)
                for path in files:
                    try:
                        run.import_file(read_returned(path))
                    except InputError as exc:
                        run.summary.failed_files.append(str(path))
                        run.summary.problems.append(str(exc))
        finally:
            memory.close()
        run.summary.notices[:0] = memory.notices
        if run.taken:
            run.store.record_imports(run.taken)
    return run.summary
