"""Inline spans as offsets: cut them to a slice, move them through text edits, join pieces
and the spans a split left in two.

Pure functions over ``document.Span`` shared by the readers that build spans, the stages that
change text (glossary variants, segmentation, the Traditional conversion) and the writers that
render formatting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from bilingual.document import Replacement, Span, SpanKind


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

    def move(offset: int, is_end: bool) -> int:
        moved = offset
        for old_start, old_end, new_start, new_end in edits:
            if offset >= old_end:
                moved = offset + (new_end - old_end)
            elif offset > old_start:  # inside a replaced variant: to its edge
                return new_end if is_end else new_start
            else:
                break
        return moved

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
    text = ""
    spans: list[Span] = []
    for n, (piece, piece_spans) in enumerate(pieces):
        if n and piece and text and not text[-1].isspace():
            text += separator
        spans += (span.shifted(len(text)) for span in piece_spans)
        text += piece
    return text, merged(spans, text)


def merged(spans: Iterable[Span], text: str) -> tuple[Span, ...]:
    """``spans`` of ``text`` with the same formatting (kind and URL) that ends where it starts
    again, or with only white space between, as one span (Word's runs split a bold phrase, a
    sentence edge splits a span); in rendering order."""
    out: list[Span] = []
    for span in nested(spans):
        if span.kind.mark:  # marks are places, never merged
            out.append(span)
            continue
        same = (s for s in out if s.kind is span.kind and s.url == span.url)
        before = next((s for s in same if not text[s.end : span.start].strip()), None)
        if before is None:
            out.append(span)
        else:
            out[out.index(before)] = replace(before, end=max(before.end, span.end))
    return tuple(nested(out))


def nested(spans: Iterable[Span]) -> list[Span]:
    """Spans ordered for rendering: by start, outer (longer) first (inline code inside other
    formatting over the same text), marks last."""
    return sorted(spans, key=lambda s: (s.start, s.kind.mark, -s.end, s.kind is SpanKind.CODE))
