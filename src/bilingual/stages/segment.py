"""Segmentation stage: paragraphs into sentences with stable IDs.

A segment ID is ``p{line}.s{n}``: the 1-based source line (or DOCX body paragraph) a block
starts at and the 1-based sentence within it, so the same text always gets the same IDs and
editors can find a row in the source; blocks that share a line number their sentences on.
Segmentation is lossless: a paragraph's segments concatenate back to it exactly. Code and HTML
blocks get no segments (nothing to translate); inline code is never split.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace

from bilingual.document import Document, Paragraph, Segment, Span, SpanKind
from bilingual.document.spans import clip_each
from bilingual.stages.segment_rules import BREAKS, KEEPS


def segment_id(paragraph: int, sentence: int) -> str:
    return f"p{paragraph + 1:03d}.s{sentence + 1:02d}"


class _Kept:
    """Offset ranges never split, asked "does this break touch one?" in logarithmic time."""

    def __init__(self, spans: list[tuple[int, int]]):
        merged: list[list[int]] = []  # disjoint, in order: the union of the non-empty spans
        for start, end in sorted(s for s in spans if s[0] < s[1]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]
        self.points = sorted(start for start, end in spans if start == end)  # empty spans

    def touches(self, start: int, end: int) -> bool:
        """A kept span overlaps ``[start, end)`` (an empty one lies strictly inside it)."""
        i = bisect_left(self.starts, end) - 1  # the last span starting before ``end``
        if i >= 0 and self.ends[i] > start:
            return True
        j = bisect_right(self.points, start)
        return j < len(self.points) and self.points[j] < end


def sentence_ends(text: str, keep: tuple[tuple[int, int], ...] = ()) -> list[int]:
    """Offsets just after each sentence end, white space included, in order; never inside
    ``keep`` (offset ranges, e.g. inline code)."""
    kept = _Kept([span for rule in KEEPS for span in rule.spans(text)] + list(keep))
    ends: set[int] = set()
    for rule in BREAKS:
        for start, end in rule.spans(text):
            if kept.touches(start, end):
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


def _mark_once(where: tuple[int, int], spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """A sentence's spans without a footnote mark at its very start when it is not the
    paragraph's first: a mark between two sentences follows the first."""
    if not where[0]:
        return spans
    return tuple(s for s in spans if not (s.kind.mark and s.start == 0))


def segment_paragraph(paragraph: Paragraph, first: int = 0) -> Paragraph:
    """``paragraph`` cut into sentences numbered from ``first`` (0-based)."""
    if not paragraph.kind.translated or not paragraph.text:
        return replace(paragraph, segments=())
    code = tuple((s.start, s.end) for s in paragraph.spans if s.kind is SpanKind.CODE)
    pieces = split_sentences(paragraph.text, code)
    ranges, offset = [], 0
    for piece in pieces:
        ranges.append((offset, offset + len(piece.rstrip())))
        offset += len(piece)
    segments = [
        Segment(
            id=segment_id(paragraph.index, n),
            paragraph=paragraph.index,
            source=piece,
            start=start,
            spans=spans,
        )
        for n, piece, (start, _), spans in zip(
            range(first, first + len(pieces)),
            pieces,
            ranges,
            map(_mark_once, ranges, clip_each(paragraph.spans, ranges)),
            strict=True,
        )  # fmt: skip
    ]
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
