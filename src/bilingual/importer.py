"""Editors' round trip: the English column of edited DOCX editions into the translation memory.

A row is taken only when its ID names a current segment and its Chinese still matches that
segment's current source (Simplified or Traditional, by the edition). Everything else (changed
source, added, duplicated, reordered or broken rows, deleted rows, a file that is not a
bilingual table) is reported by ID and never guessed. A row is "edited" when its English differs
from what the build wrote (the memory, else the cached machine translation of the model named in
the DOCX), so importing the same file twice changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bilingual.document import Document, ModelInfo, Segment
from bilingual.editions import EDITIONS, Edition, edition_by_column, header
from bilingual.errors import InputError
from bilingual.glossary import Glossary
from bilingual.glossary_file import load_glossary
from bilingual.memory import Entry, TranslationMemory
from bilingual.settings import Settings

_MODEL = re.compile(r"model=(\S+) ([^;\s]+)")
_OPENCC = re.compile(r"opencc=(\w+)")
_RUNTIME = re.compile(r"runtime=(\w+)/(\w+)")  # device/compute type
_FILE = re.compile(r"^(?P<name>.+)\.(?P<edition>zh-Hans|zh-Hant)_en$")


@dataclass
class Summary:
    edited: int = 0
    unchanged: int = 0
    refused: int = 0
    problems: list[str] = field(default_factory=list)
    failed_files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.failed_files

    def as_json(self) -> dict:
        return {
            "edited": self.edited,
            "unchanged": self.unchanged,
            "refused": self.refused,
            "problems": self.problems,
            "failed_files": self.failed_files,
        }


@dataclass(frozen=True)
class EditedTable:
    name: str  # the document's name
    edition: Edition
    model: ModelInfo | None
    opencc: str | None  # the Traditional conversion the edition was built with
    rows: list[tuple[int, list[str]]]  # (row number, cells)


def _normal(text: str) -> str:
    return " ".join(text.split())


def read_edited(path: Path) -> EditedTable:
    """The bilingual table of an edited DOCX, or InputError naming what is wrong."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{path}: not a readable DOCX ({exc})") from None
    except Exception as exc:  # a damaged zip raises zipfile/lxml errors of many kinds
        raise InputError(f"{path}: not a readable DOCX ({type(exc).__name__})") from None
    if not document.tables:
        raise InputError(
            f"{path}: no table; expected the bilingual table ID | Chinese | English | Notes"
        )
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    edition = edition_by_column(rows[0][1]) if rows and len(rows[0]) == 4 else None
    if edition is None or rows[0] != header(edition):
        got = " | ".join(rows[0]) if rows else "nothing"
        raise InputError(
            f"{path}: broken table header ({got}); expected "
            f"{' | '.join(header(EDITIONS[0]))} (or {EDITIONS[1].column})"
        )
    props = document.core_properties
    identifier = (props.identifier or "").split(":")
    if len(identifier) == 3 and identifier[0] == "bilingual":
        name = identifier[1]
    elif match := _FILE.match(path.stem):
        name = match["name"]
    else:
        raise InputError(f"{path}: cannot tell which source this edition belongs to")
    model_match = _MODEL.search(props.keywords or "")
    runtime = _RUNTIME.search(props.keywords or "")
    runtime_fields = runtime.groups() if runtime else ()
    model = ModelInfo(*model_match.groups(), *runtime_fields) if model_match else None
    opencc = _OPENCC.search(props.keywords or "")
    return EditedTable(
        name, edition, model, opencc[1] if opencc else None, list(enumerate(rows[1:], start=2))
    )


def _current(table: EditedTable, settings: Settings, glossary: Glossary) -> Document:
    from bilingual.pipeline import prepare
    from bilingual.readers import read_source
    from bilingual.traditional import convert_document

    source = settings.seeds / f"{table.name}.txt"
    if not source.is_file():
        raise InputError(f"{source}: the source of this edition is gone; nothing imported")
    document = prepare(read_source(source), glossary)
    if not table.edition.traditional:
        return document
    return convert_document(document, table.opencc or settings.traditional)


def _built_english(segment: Segment, model: ModelInfo | None, memory, cache) -> str | None:
    """The English the last build wrote for ``segment``, as far as the project knows it."""
    from bilingual.translate import DECODING, cache_key, has_chinese

    if (edited := memory.get(segment.text)) is not None:
        return edited
    if not has_chinese(segment.text):
        return segment.text
    return cache.get(cache_key(segment, model, DECODING)) if model and cache else None


def import_table(
    path: Path,
    table: EditedTable,
    document: Document,
    memory: TranslationMemory,
    cache,
    summary: Summary,
    edited_now: dict[str, tuple[str, str]],
) -> None:
    """Take ``table``'s rows into ``memory``; ``edited_now`` maps a source to (English, file)
    for edits taken earlier in this import, so two files cannot silently overwrite each other."""
    segments = {s.id: s for s in document.segments}
    order = {s.id: i for i, s in enumerate(document.segments)}
    seen: set[str] = set()
    last = -1
    now = datetime.now(UTC).replace(microsecond=0).isoformat()

    def refuse(sid: str, why: str) -> None:
        summary.refused += 1
        summary.problems.append(f"{path}: {sid}: {why}; not imported")

    for number, cells in table.rows:
        if len(cells) != 4:
            refuse(f"row {number}", "broken row (merged or split cells)")
            continue
        sid, chinese, english = cells[0].strip(), cells[1], cells[2]
        segment = segments.get(sid)
        if segment is None:
            refuse(sid or f"row {number}", "no such segment in the current source (added row?)")
        elif sid in seen:
            refuse(sid, "row appears twice")
        elif _normal(chinese) != _normal(table.edition.chinese(segment)):
            refuse(sid, "its Chinese no longer matches the source (source changed?)")
        elif order[sid] < last:
            refuse(sid, "row out of order (rows moved?)")
        elif not _normal(english):
            refuse(sid, "English cell is empty")
        else:
            last = order[sid]
            current = _built_english(segment, table.model, memory, cache)
            earlier = edited_now.get(segment.text)
            if current is not None and _normal(current) == _normal(english):
                summary.unchanged += 1
            elif earlier is not None and earlier[0] != _normal(english):
                refuse(sid, f"edited differently in {earlier[1]} (imported first); reconcile them")
            else:
                memory.put(Entry(segment.text, _normal(english), sid, path.name, now))
                edited_now[segment.text] = (_normal(english), str(path))
                summary.edited += 1
        seen.add(sid)
    for sid in segments:
        if sid not in seen:
            summary.problems.append(f"{path}: {sid}: row missing (deleted?); nothing to import")


def import_files(paths: list[Path], settings: Settings) -> Summary:
    from bilingual.cache import TranslationCache
    from bilingual.pipeline import build_lock

    summary = Summary()
    glossary = load_glossary(settings.glossary) if settings.glossary.exists() else Glossary()
    with build_lock(settings.state):
        memory = TranslationMemory(settings.tm)
        before = dict(memory.entries)
        cache_path = settings.state / "cache.sqlite"
        cache = TranslationCache(cache_path) if cache_path.exists() else None
        edited_now: dict[str, tuple[str, str]] = {}
        try:
            for path in paths:
                try:
                    table = read_edited(path)
                    document = _current(table, settings, glossary)
                except InputError as exc:
                    summary.failed_files.append(str(path))
                    summary.problems.append(str(exc))
                    continue
                import_table(path, table, document, memory, cache, summary, edited_now)
        finally:
            if cache:
                cache.close()
        if memory.entries != before:
            memory.save()
    return summary
