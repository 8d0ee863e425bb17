"""Segmentation stage: paragraphs into sentences with stable IDs.

A segment ID is ``p{line}.s{n}``: the 1-based source line (or DOCX body paragraph) a block
starts at and the 1-based sentence within it, so the same text always gets the same IDs and
editors can find a row in the source; blocks that share a line number their sentences on.
Segmentation is lossless: a paragraph's segments concatenate back to it exactly. Code and HTML
blocks get no segments (nothing to translate); inline code is never split.
"""

from __future__ import annotations

from dataclasses import replace

from bilingual.document import Document, Paragraph, Segment, SpanKind
from bilingual.document.spans import clip
from bilingual.stages.segment_rules import BREAKS, KEEPS


def segment_id(paragraph: int, sentence: int) -> str:
    return f"p{paragraph + 1:03d}.s{sentence + 1:02d}"


def _kept_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for rule in KEEPS for m in rule.pattern.finditer(text)]


def sentence_ends(text: str, keep: tuple[tuple[int, int], ...] = ()) -> list[int]:
    """Offsets just after each sentence end, white space included, in order; never inside
    ``keep`` (offset ranges, e.g. inline code)."""
    kept = _kept_spans(text) + list(keep)

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


def split_sentences(text: str, keep: tuple[tuple[int, int], ...] = ()) -> list[str]:
    """The sentences of ``text``; ``"".join(result) == text``."""
    pieces, start = [], 0
    for end in sentence_ends(text, keep):
        if end > start:
            pieces.append(text[start:end])
            start = end
    if start < len(text) or not pieces:
        pieces.append(text[start:])
    return pieces


def segment_paragraph(paragraph: Paragraph, first: int = 0) -> Paragraph:
    """``paragraph`` cut into sentences numbered from ``first`` (0-based)."""
    if not paragraph.kind.translated or not paragraph.text:
        return replace(paragraph, segments=())
    code = tuple((s.start, s.end) for s in paragraph.spans if s.kind is SpanKind.CODE)
    segments, offset = [], 0
    for n, piece in enumerate(split_sentences(paragraph.text, code), start=first):
        end = offset + len(piece.rstrip())
        spans = clip(paragraph.spans, offset, end)
        if offset:  # a footnote mark between two sentences follows the first
            spans = tuple(s for s in spans if not (s.kind.mark and s.start == 0))
        segments.append(
            Segment(
                id=segment_id(paragraph.index, n),
                paragraph=paragraph.index,
                source=piece,
                start=offset,
                spans=spans,
            )
        )
        offset += len(piece)
    return replace(paragraph, segments=tuple(segments))


def segment_document(document: Document) -> Document:
    """The segmentation stage."""
    numbered: dict[int, int] = {}  # block index -> sentences numbered so far
    paragraphs = []
    for paragraph in document.paragraphs:
        segmented = segment_paragraph(paragraph, numbered.get(paragraph.index, 0))
        numbered[paragraph.index] = numbered.get(paragraph.index, 0) + len(segmented.segments)
        paragraphs.append(segmented)
    return replace(document, paragraphs=tuple(paragraphs))
