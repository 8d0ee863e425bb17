"""One translation memory entry, and its line in ``tm/memory.jsonl``.

One JSON object a line: source, english, id, origin, time, notes (left out when there are none).
``english`` is null when an editor left only a note on a sentence. The file is written sorted by
source (code point order), one line per source, so a change to it is a readable diff.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, TypeVar

T = TypeVar("T")

FILE_NAME = "memory.jsonl"
_TEXT_FIELDS = ("source", "id", "origin", "time")


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

    @property
    def from_tmx(self) -> bool:
        """Taken from another tool's TMX (``tm import``), not from an edition an editor
        corrected: its origin is the TMX file's name, with the unit's author after it."""
        return self.origin.split(" (", 1)[0].lower().endswith(".tmx")


def entry_from_json(data: Any) -> Entry:  # noqa: ANN401 (JSON)
    """An Entry from one parsed line; ValueError when the line is not one."""
    if not isinstance(data, dict):
        raise ValueError("not an object")
    if not all(isinstance(data.get(k), str) for k in _TEXT_FIELDS) or not data["source"]:
        raise ValueError("missing or wrong fields")
    english, notes = data.get("english"), data.get("notes", [])
    if not (english is None or isinstance(english, str)):
        raise ValueError("english must be text or null")
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise ValueError("notes must be a list of texts")
    if english is None and not notes:
        raise ValueError("neither english nor notes")
    unknown = set(data) - {"english", "notes", *_TEXT_FIELDS}
    if unknown:
        raise ValueError(f"unknown field {sorted(unknown)[0]}")
    return Entry(data["source"], english, data["id"], data["origin"], data["time"], tuple(notes))


_ENCODER = json.JSONEncoder(ensure_ascii=False)
_STRING = json.encoder.encode_basestring  # a JSON string as json.dumps writes it (C)


def entry_line(entry: Entry) -> str:
    """The entry's line in the file (without the line break)."""
    notes = _ENCODER.encode(list(entry.notes)) if entry.notes else None
    return line_of(entry.source, entry.english, entry.id, entry.origin, entry.time, notes)


def line_of(
    source: str, english: str | None, ident: str, origin: str, time: str, notes: str | None
) -> str:
    """An entry's line from its fields, ``notes`` already as JSON (a list) or None: what
    ``json.dumps`` writes of the entry's object, field by field (a million lines are written
    at every change of a large memory)."""
    english_json = "null" if english is None else _STRING(english)
    line = (
        f'{{"source": {_STRING(source)}, "english": {english_json}, "id": {_STRING(ident)}, '
        f'"origin": {_STRING(origin)}, "time": {_STRING(time)}'
    )
    return f'{line}, "notes": {notes}}}' if notes else f"{line}}}"


def notes_json(notes: tuple[str, ...]) -> str | None:
    """The notes as the file writes them (a JSON list), or None when there are none."""
    return _ENCODER.encode(list(notes)) if notes else None


class LineError(ValueError):
    """A line of the file that is not an entry."""

    def __init__(self, line: int, why: str):
        super().__init__(why)
        self.line, self.why = line, why


def _json_lines(handle: Iterable[bytes], what: str, read: Callable[[Any], T]) -> Iterator[T]:
    """``read`` of each non-blank line of a JSON Lines file opened in binary; LineError at the
    first line that is not UTF-8, or not JSON ``read`` takes (a ValueError: not ``what``)."""
    offset = 0
    for number, raw in enumerate(handle, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LineError(number, f"not UTF-8 (byte {offset + exc.start})") from None
        offset += len(raw)
        if not line.strip():
            continue
        try:
            value = read(json.loads(line))
        except ValueError as exc:
            raise LineError(number, f"not {what} ({exc})") from None
        yield value


def read_lines(handle: Iterable[bytes]) -> Iterator[Entry]:
    """The entry of each non-blank line of a file opened in binary; LineError at the first line
    that is not an entry (or not UTF-8)."""
    return _json_lines(handle, "a translation memory entry", entry_from_json)


# --- suggestions -------------------------------------------------------------------------------

SUGGESTIONS_FILE = "suggestions.jsonl"
_SUGGESTION_FIELDS = ("source", "english", "origin", "time", "why")


@dataclass(frozen=True)
class Suggestion:
    """English another tool's memory holds but no editor confirmed (a machine or draft
    translation, an alternative for one place): offered to editors as a fuzzy match, never used
    as a translation. One line of ``tm/suggestions.jsonl``, sorted by sentence and English."""

    source: str  # the Simplified Chinese segment
    english: str
    origin: str  # the file it came from (and its author)
    time: str  # ISO 8601, UTC
    why: str  # e.g. "machine translation (x-Origin MachineTranslation)"


def suggestion_line(suggestion: Suggestion) -> str:
    return line_of_suggestion(*(getattr(suggestion, f) for f in _SUGGESTION_FIELDS))


def line_of_suggestion(source: str, english: str, origin: str, time: str, why: str) -> str:
    """A suggestion's line, as ``json.dumps`` writes its object."""
    values = (source, english, origin, time, why)
    pairs = zip(_SUGGESTION_FIELDS, values, strict=True)
    fields = ", ".join(f'"{k}": {_STRING(v)}' for k, v in pairs)
    return f"{{{fields}}}"


def read_suggestions(handle: Iterable[bytes]) -> Iterator[Suggestion]:
    """The suggestion of each non-blank line; LineError at the first line that is not one."""
    return _json_lines(handle, "a suggestion", _suggestion_from_json)


def _suggestion_from_json(data: Any) -> Suggestion:
    if not isinstance(data, dict) or set(data) != set(_SUGGESTION_FIELDS):
        raise ValueError("wrong fields")
    if not all(isinstance(data[k], str) and data[k] for k in _SUGGESTION_FIELDS):
        raise ValueError("every field must be text")
    return Suggestion(**data)
