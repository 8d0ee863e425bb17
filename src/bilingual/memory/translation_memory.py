"""The translation memory: editors' English and notes, by Chinese source, in ``tm/memory.jsonl``.

One JSON object a line (source, english, id, origin, time, notes), one line per source, in the
order first imported, so a change to the file is a readable diff. ``english`` is null when an
editor left only a note on a sentence. The whole file is rewritten atomically; an interrupted
import leaves the previous file. A damaged file is refused by line, never rewritten.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from bilingual.errors import EnvironmentProblem, InputError
from bilingual.util.atomic import write_text

FILE_NAME = "memory.jsonl"


@dataclass(frozen=True)
class Entry:
    source: str  # the Simplified Chinese segment
    english: str | None  # the editor's English; None when only notes were left
    id: str  # segment ID it was edited under
    origin: str  # the file it came from
    time: str  # ISO 8601, UTC
    notes: tuple[str, ...] = ()  # the editors' notes on this sentence

    def with_notes(self, notes: tuple[str, ...]) -> Entry:
        return replace(self, notes=tuple(dict.fromkeys(self.notes + notes)))


def _entry(data: Any) -> Entry:  # noqa: ANN401 (JSON)
    """An Entry from one parsed line; ValueError when the line is not one."""
    if not isinstance(data, dict):
        raise ValueError("not an object")
    text_fields = ("source", "id", "origin", "time")
    if not all(isinstance(data.get(k), str) for k in text_fields) or not data["source"]:
        raise ValueError("missing or wrong fields")
    english, notes = data.get("english"), data.get("notes", [])
    if not (english is None or isinstance(english, str)):
        raise ValueError("english must be text or null")
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise ValueError("notes must be a list of texts")
    if english is None and not notes:
        raise ValueError("neither english nor notes")
    unknown = set(data) - {"english", "notes", *text_fields}
    if unknown:
        raise ValueError(f"unknown field {sorted(unknown)[0]}")
    return Entry(data["source"], english, data["id"], data["origin"], data["time"], tuple(notes))


class TranslationMemory:
    def __init__(self, directory: Path):
        self.path = directory / FILE_NAME
        self.entries: dict[str, Entry] = {}
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{self.path}: not UTF-8 (byte {exc.start}); restore it from version control"
            ) from None
        except OSError as exc:
            raise InputError(
                f"{self.path}: cannot read the translation memory ({exc.strerror}); "
                "fix its permissions or restore it"
            ) from None
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = _entry(json.loads(line))
            except ValueError as exc:
                raise InputError(
                    f"{self.path}:{number}: not a translation memory entry ({exc}); "
                    "fix the line or restore the file from version control"
                ) from None
            self.entries[entry.source] = entry

    def get(self, source: str) -> str | None:
        """The editors' English for ``source``, if any."""
        entry = self.entries.get(source)
        return entry.english if entry else None

    def notes(self, source: str) -> tuple[str, ...]:
        entry = self.entries.get(source)
        return entry.notes if entry else ()

    def put(self, entry: Entry) -> None:
        self.entries[entry.source] = entry

    def save(self) -> None:
        """Rewrite the file atomically; a read-only or immutable file is respected, not replaced."""
        if self.path.exists() and not os.access(self.path, os.W_OK):
            raise EnvironmentProblem(
                f"{self.path}: the translation memory is read-only; nothing imported "
                "(make it writable and import again)"
            )
        lines = []
        for entry in self.entries.values():
            data = asdict(entry)
            data["notes"] = list(entry.notes)
            if not entry.notes:
                del data["notes"]
            lines.append(json.dumps(data, ensure_ascii=False))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text(self.path, "".join(line + "\n" for line in lines))
        except OSError as exc:
            raise EnvironmentProblem(
                f"{exc.filename or self.path}: cannot write the translation memory "
                f"({exc.strerror}); nothing imported"
            ) from None
