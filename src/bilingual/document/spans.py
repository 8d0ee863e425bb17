"""Inline spans as offsets: cut them to a slice, move them through text edits, join pieces
and the spans a split left in two.

Pure functions over ``document.Span`` shared by the readers that build spans, the stages that
change text (glossary variants, segmentation, the Traditional conversion) and the writers that
render formatting. Each takes time linear in its spans and text (a paragraph of a million
characters and as many formatted runs is normal input), never spans times spans.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import accumulate

from bilingual.document import Replacement, Span, SpanKind

_NOT_SPACE = re.compile(r"\S")


def clip(spans: Iterable[Span], start: int, end: int) -> tuple[Span, ...]:
    """The parts of ``spans`` inside ``[start, end)``, with offsets relative to ``start``; a
    mark (a footnote reference) is kept when it stands anywhere from ``start`` to ``end``."""
    out = []
    for span in spans:
        if span.kind.mark:
            if start <= span.start <= end:
                out.append(replace(span, start=span.start - start, end=span.start - start))
            continue
        s, e = max(span.start, start), min(span.end, end)
        if s < e:
            out.append(replace(span, start=s - start, end=e - start))
    return tuple(out)


class Cover:
    """Asks "is ``[start, end)`` inside one of these spans?" in logarithmic time."""

    def __init__(self, spans: Iterable[Span]):
        ordered = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in ordered]
        self.reach = list(accumulate((s.end for s in ordered), max))  # furthest end so far

    def covers(self, start: int, end: int) -> bool:
        before = bisect_right(self.starts, start) - 1  # the spans starting at or before it
        return before >= 0 and self.reach[before] >= end


def clip_each(spans: Sequence[Span], ranges: Iterable[tuple[int, int]]) -> Iterator[tuple]:
    """``clip(spans, start, end)`` for consecutive ``ranges`` of a text (in order, apart: a
    paragraph's sentences), in one sweep over ``spans``."""
    # A mark (a footnote reference, no width) counts from ``start`` to ``end`` inclusive, as in
    # ``clip``: marks sort first among spans starting at one place.
    by_start = sorted(range(len(spans)), key=lambda n: (spans[n].start, not spans[n].kind.mark))

    def started(span: Span, end: int) -> bool:
        return span.start < end or (span.kind.mark and span.start == end)

    def ended(span: Span, start: int) -> bool:
        return span.start < start if span.kind.mark else span.end <= start

    waiting = 0  # by_start[waiting:] have not started yet
    active: list[int] = []  # started, maybe not ended: indexes into ``spans``
    for start, end in ranges:
        while waiting < len(by_start) and started(spans[by_start[waiting]], end):
            active.append(by_start[waiting])
            waiting += 1
        active = sorted(n for n in active if not ended(spans[n], start))  # in ``spans``'s order
        yield clip((spans[n] for n in active), start, end)


def through_replacements(spans: Sequence[Span], replacements: Sequence[Replacement]) -> tuple:
    """``spans`` of a text moved onto the text after ``replacements`` (glossary variants
    corrected; offsets in each replacement are into the new text, in order)."""
    if not replacements or not spans:
        return tuple(spans)
    edits = []  # (old start, old end, new start, new end)
    shift = 0
    for r in replacements:
        old_start = r.start - shift
        edits.append((old_start, old_start + len(r.variant), r.start, r.end))
        shift += (r.end - r.start) - len(r.variant)

    old_ends = [edit[1] for edit in edits]  # increasing: the edits are in order, apart

    def move(offset: int, is_end: bool) -> int:
        done = bisect_right(old_ends, offset)  # the edits wholly before ``offset``
        if done < len(edits):
            old_start, _, new_start, new_end = edits[done]
            if offset > old_start:  # inside a replaced variant: to its edge
                return new_end if is_end else new_start
        if done == 0:
            return offset
        _, old_end, _, new_end = edits[done - 1]
        return offset + (new_end - old_end)

    out = []
    for s in spans:
        if s.kind.mark:  # a mark inside a replaced variant goes after it
            out.append(replace(s, start=move(s.start, True), end=move(s.start, True)))
        elif move(s.start, False) < move(s.end, True):
            out.append(replace(s, start=move(s.start, False), end=move(s.end, True)))
    return tuple(out)


def join(pieces: Sequence[tuple[str, Sequence[Span]]], separator: str = "") -> tuple[str, tuple]:
    """Texts with their spans joined into one text; a span split at a piece's edge (the same
    formatting ending where it starts again, with only white space between) becomes one."""
    parts: list[str] = []  # joined once at the end: adding to a string copies it each time
    length, last = 0, ""  # of the text so far, and its last character
    spans: list[Span] = []
    for n, (piece, piece_spans) in enumerate(pieces):
        if n and piece and length and not last.isspace():
            parts.append(separator)
            length += len(separator)
            last = separator[-1:] or last
        spans += (span.shifted(length) for span in piece_spans)
        parts.append(piece)
        length += len(piece)
        last = piece[-1:] or last
    text = "".join(parts)
    return text, merged(spans, text)


def merged(spans: Iterable[Span], text: str) -> tuple[Span, ...]:
    """``spans`` of ``text`` with the same formatting (kind and URL) that ends where it starts
    again, or with only white space between, as one span (Word's runs split a bold phrase, a
    sentence edge splits a span); in rendering order."""
    out: list[Span] = []
    last: dict[tuple, int] = {}  # (kind, url) -> where in ``out`` its latest span is
    for span in nested(spans):
        if span.kind.mark:  # marks are places, never merged
            out.append(span)
            continue
        key = (span.kind, span.url)
        # Spans of one formatting kept in ``out`` are apart, with more than white space
        # between them, and come in order: only the latest can reach this one.
        n = last.get(key)
        if n is not None and not _NOT_SPACE.search(text, out[n].end, span.start):
            out[n] = replace(out[n], end=max(out[n].end, span.end))
        else:
            last[key] = len(out)
            out.append(span)
    return tuple(nested(out))


def nested(spans: Iterable[Span]) -> list[Span]:
    """Spans ordered for rendering: by start, outer (longer) first (inline code inside other
    formatting over the same text), marks last."""
    return sorted(spans, key=lambda s: (s.start, s.kind.mark, -s.end, s.kind is SpanKind.CODE))
