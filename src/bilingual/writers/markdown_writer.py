"""The readers' Markdown: the article's paragraphs in order, each Chinese paragraph followed by
its English. No IDs, statuses or QA flags: those are for editors."""

from __future__ import annotations

import re
from pathlib import Path

from bilingual.document import Document, Paragraph
from bilingual.editions import Edition
from bilingual.writers import WriteOptions

_INLINE = re.compile(r"([\\`*_\[\]<>|])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def escape(text: str) -> str:
    """Plain text that Markdown shows as written (no accidental lists, headings, emphasis)."""
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), _INLINE.sub(r"\\\1", text))


def _chinese(paragraph: Paragraph, edition: Edition) -> str:
    if not edition.traditional:
        return paragraph.text
    return "".join(s.traditional or "" for s in paragraph.segments).strip()


def _english(paragraph: Paragraph) -> str:
    return " ".join(
        s.english.strip() for s in paragraph.segments if s.english and s.english.strip()
    )


def is_title(document: Document, paragraph: Paragraph) -> bool:
    """The first line is the title when it is one segment with no sentence-final punctuation."""
    return (
        paragraph is document.paragraphs[0]
        and len(paragraph.segments) == 1
        and paragraph.text[-1:] not in "。！？!?.…"
    )


def render_markdown(document: Document, edition: Edition) -> str:
    blocks = []
    for paragraph in document.paragraphs:
        chinese, english = escape(_chinese(paragraph, edition)), escape(_english(paragraph))
        if is_title(document, paragraph):
            blocks.append(f"# {chinese}")
            if english:
                blocks.append(f"*{english}*")
        else:
            blocks.append(chinese)
            if english:
                blocks.append(english)
    return "\n\n".join(blocks) + "\n"


def write(document: Document, edition: Edition, path: Path, options: WriteOptions) -> None:
    path.write_text(render_markdown(document, edition), encoding="utf-8")
