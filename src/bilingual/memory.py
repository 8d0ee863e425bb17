"""The translation memory: editors' English, by Chinese source, in ``tm/memory.jsonl``.

One JSON object a line (source, english, id, origin, time), one line per source, in the order
first imported, so a change to the file is a readable diff. The whole file is rewritten
atomically; an interrupted import leaves the previous file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from bilingual.atomic import write_text
from bilingual.errors import InputError

FILE_NAME = "memory.jsonl"


@dataclass(frozen=True)
class Entry:
    source: str  # the Simplified Chinese segment
    english: str
    id: str  # segment ID it was edited under
    origin: str  # the DOCX it came from
    time: str  # ISO 8601, UTC


class TranslationMemory:
    def __init__(self, directory: Path):
        self.path = directory / FILE_NAME
        self.entries: dict[str, Entry] = {}
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = Entry(**json.loads(line))
            except (ValueError, TypeError):
                raise InputError(
                    f"{self.path}:{number}: not a translation memory entry; "
                    "fix the line or restore the file from version control"
                ) from None
            self.entries[entry.source] = entry

    def get(self, source: str) -> str | None:
        entry = self.entries.get(source)
        return entry.english if entry else None

    def put(self, entry: Entry) -> None:
        self.entries[entry.source] = entry

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps(asdict(e), ensure_ascii=False) for e in self.entries.values()]
        write_text(self.path, "".join(line + "\n" for line in lines))
