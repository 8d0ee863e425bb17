"""The plain-text reader: one paragraph per line (CRLF and CR line ends too)."""

from __future__ import annotations

from pathlib import Path

from bilingual.document import Document, Paragraph
from bilingual.readers.decode import decode_source


def paragraphs_of(text: str) -> tuple[Paragraph, ...]:
    """One paragraph per non-blank line; ``index`` is the 0-based line number."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return tuple(Paragraph(i, line.strip()) for i, line in enumerate(lines) if line.strip())


def read(path: Path, data: bytes, name: str) -> Document:
    """A plain-text source's bytes as a Document (no segments yet)."""
    decoded = decode_source(path, data)
    return Document(
        name, str(path), paragraphs_of(decoded.text), decoded.encoding, cleaned=decoded.cleaned
    )
