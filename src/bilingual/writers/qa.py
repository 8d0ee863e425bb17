"""``NAME.qa.json``: every flag a reviewer should look at, as a list (empty when nothing)."""

from __future__ import annotations

import json
from pathlib import Path

from bilingual.document import Document
from bilingual.document.editions import Edition
from bilingual.writers import WriteOptions


def qa_items(document: Document) -> list[dict]:
    return [
        {
            "id": s.id,
            "check": f.check,
            "severity": f.severity.value,
            "message": f.message,
            "source": s.text,
            "english": s.english,
        }
        for s in document.segments
        for f in s.flags
    ]


def reading_items(document: Document) -> list[dict]:
    """What reading the source changed, by line: characters removed (no segment holds them any
    more), links made plain text, nesting flattened, what could not be kept as it was."""
    notes = [
        {
            "id": None,
            "line": n.line,
            "column": None,
            "check": n.check,
            "severity": n.severity.value,
            "message": n.message,
            "source": None,
            "english": None,
        }
        for n in document.reading_notes
    ]
    return notes + [
        {
            "id": None,
            "line": c.line,
            "column": c.column,
            "check": "unsupported-character",
            "severity": "info",
            "message": c.message,
            "source": None,
            "english": None,
        }
        for c in document.cleaned
    ]


def render_qa(document: Document) -> str:
    items = reading_items(document) + qa_items(document)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def write(document: Document, edition: Edition | None, path: Path, options: WriteOptions) -> None:
    path.write_text(render_qa(document), encoding="utf-8")
