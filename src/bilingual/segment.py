"""Segmentation stage: paragraphs into sentences with stable IDs.

A segment ID is ``p{line}.s{n}``: the 1-based source line and the 1-based sentence within it,
so the same text always gets the same IDs and editors can find a row in the source.
Segmentation is lossless: a paragraph's segments concatenate back to it exactly.
"""

from __future__ import annotations

from dataclasses import replace

from bilingual.document import Document, Paragraph, Segment
from bilingual.segment_rules import BREAKS, KEEPS


def segment_id(paragraph: int, sentence: int) -> str:
    return f"p{paragraph + 1:03d}.s{sentence + 1:02d}"


def _kept_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for rule in KEEPS for m in rule.pattern.finditer(text)]


def sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end, white space included, in order."""
    kept = _kept_spans(text)

    def inside_kept(start: int, end: int) -> bool:
        return any(k_start < end and start < k_end for k_start, k_end in kept)

    ends: set[int] = set()
    for rule in BREAKS:
        for match in rule.pattern.finditer(text):
            start, end = match.span()
            if inside_kept(start, end):
                # A break right after a kept span (e.g. "U.S." closing a sentence) is allowed
                # only when a real terminator follows it, which the other rules catch.
                continue
            while end < len(text) and text[end].isspace():
                end += 1
            if end < len(text):
                ends.add(end)
    return sorted(ends)


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``; ``"".join(result) == text``."""
    pieces, start = [], 0
    for end in sentence_ends(text):
        if end > start:
            pieces.append(text[start:end])
            start = end
    if start < len(text) or not pieces:
        pieces.append(text[start:])
    return pieces


def segment_paragraph(paragraph: Paragraph) -> Paragraph:
    segments, offset = [], 0
    for n, piece in enumerate(split_sentences(paragraph.text)):
        segments.append(
            Segment(
                id=segment_id(paragraph.index, n),
                paragraph=paragraph.index,
                source=piece,
                start=offset,
            )
        )
        offset += len(piece)
    return replace(paragraph, segments=tuple(segments))


def segment_document(document: Document) -> Document:
    """The segmentation stage."""
    return replace(document, paragraphs=tuple(segment_paragraph(p) for p in document.paragraphs))
