"""Suggestions: English another tool's memory holds but no editor confirmed (machine or draft
translations, alternative translations for one place), in ``tm/suggestions.jsonl``.

They are candidates to offer an editor, never editors' English: a build does not use them as a
translation. One JSON object a line (source, english, origin, time, why), sorted, so a change is
a readable diff; the file is rewritten atomically.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from bilingual.errors import EnvironmentProblem, InputError
from bilingual.util.atomic import write_text

FILE_NAME = "suggestions.jsonl"
_FIELDS = ("source", "english", "origin", "time", "why")


@dataclass(frozen=True)
class Suggestion:
    source: str  # the Simplified Chinese segment
    english: str
    origin: str  # the file it came from (and its author)
    time: str  # ISO 8601, UTC
    why: str  # e.g. "machine translation (x-Origin MachineTranslation)"


class Suggestions:
    def __init__(self, directory: Path):
        self.path = directory / FILE_NAME
        self.entries: dict[tuple[str, str], Suggestion] = {}
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"{self.path}: cannot read the suggestions ({exc}); restore it from version "
                "control or delete it"
            ) from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict) or set(data) != set(_FIELDS):
                    raise ValueError("wrong fields")
                if not all(isinstance(data[k], str) and data[k] for k in _FIELDS):
                    raise ValueError("every field must be text")
            except ValueError as exc:
                raise InputError(
                    f"{self.path}:{number}: not a suggestion ({exc}); fix the line or restore "
                    "the file from version control"
                ) from None
            self.add(Suggestion(**data))

    def has(self, source: str, english: str) -> bool:
        return (source, english) in self.entries

    def add(self, suggestion: Suggestion) -> None:
        self.entries.setdefault((suggestion.source, suggestion.english), suggestion)

    def save(self) -> None:
        if self.path.exists() and not os.access(self.path, os.W_OK):
            raise EnvironmentProblem(f"{self.path}: read-only; nothing imported")
        lines = [
            json.dumps(asdict(s), ensure_ascii=False) + "\n"
            for _, s in sorted(self.entries.items())
        ]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text(self.path, "".join(lines))
        except OSError as exc:
            raise EnvironmentProblem(
                f"{exc.filename or self.path}: cannot write the suggestions ({exc.strerror}); "
                "nothing imported"
            ) from None
