"""The plain-text reader: one paragraph per line (CRLF and CR line ends too).

The first line is the title (a level-1 heading) when it is one sentence without final
punctuation; every other line is a paragraph.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bilingual.document import Document, Kind, Paragraph
from bilingual.readers.decode import decode_source, file_date
from bilingual.stages.segment import split_sentences

_FINAL = "。！？!?.…"


def is_title(text: str) -> bool:
    return len(split_sentences(text)) == 1 and text[-1:] not in _FINAL


def paragraphs_of(text: str) -> tuple[Paragraph, ...]:
    """One paragraph per non-blank line; ``index`` is the 0-based line number."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs = [Paragraph(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    if paragraphs and is_title(paragraphs[0].text):
        paragraphs[0] = replace(paragraphs[0], kind=Kind.HEADING, level=1)
    return tuple(paragraphs)


def read(path: Path, data: bytes, name: str, root: Path | None = None) -> Document:
    """A plain-text source's bytes as a Document (no segments yet); it reads no other file, so
    ``root`` (where other files may be read from) is unused."""
    decoded = decode_source(path, data)
    return Document(
        name,
        str(path),
        paragraphs_of(decoded.text),
        decoded.encoding,
        date=file_date(path),
        cleaned=decoded.cleaned,
    )
