"""What the readers' writers (Markdown, web page, EPUB) share: each block's text in both
languages with its formatting, where tables and their cells start, and the nesting of quotes and
lists around each block."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from bilingual.document import Kind, Paragraph, Segment, Span, SpanKind
from bilingual.document.editions import Edition
from bilingual.document.spans import Cover, clip, join, nested


@dataclass(frozen=True)
class Piece:
    """One segment's text in one language, with its spans (offsets into ``text``)."""

    id: str
    text: str
    spans: tuple[Span, ...]
    # The source's links and emphasis the formatting stage could not place on this English,
    # each with the Chinese it covers (English pieces only).
    unplaced: tuple[tuple[Span, str], ...] = ()


def chinese_pieces(paragraph: Paragraph, edition: Edition) -> list[Piece]:
    """The block's sentences in the edition's Chinese; the white space between them (Latin
    text in a Chinese block) is kept at the end of each, except the last."""
    out = []
    for n, segment in enumerate(paragraph.segments):
        raw = (segment.traditional if edition.traditional else segment.source) or ""
        text = raw.rstrip() if n == len(paragraph.segments) - 1 else raw
        spans = segment.traditional_spans if edition.traditional else segment.spans
        out.append(Piece(segment.id, text, clip(spans, 0, len(text))))
    return out


def english_pieces(paragraph: Paragraph) -> list[Piece]:
    out = []
    for segment in paragraph.segments:
        english = segment.english or ""
        text = english.strip()
        lead = len(english) - len(english.lstrip())
        spans = clip((s.shifted(-lead) for s in segment.english_spans), 0, len(text))
        if text:
            out.append(Piece(segment.id, text, spans, unplaced(segment)))
    return out


def unplaced(segment: Segment) -> tuple[tuple[Span, str], ...]:
    """The segment's links and emphasis that are not on its English (the formatting stage
    flags them, ``formatting-not-carried``), each with the Chinese it covers: matched by kind
    and address, so a link carried once and lost once is one lost link."""
    carried = Counter((s.kind, s.url) for s in segment.english_spans)
    out = []
    for span in segment.spans:
        key = (span.kind, span.url)
        if carried[key]:
            carried[key] -= 1
        elif span.kind is not SpanKind.CODE:
            out.append((span, segment.source[span.start : span.end].strip()))
    return tuple(out)


def joined(pieces: Sequence[Piece], separator: str) -> tuple[str, tuple[Span, ...]]:
    """The pieces as one text, a span cut at a sentence edge made whole again."""
    return join([(p.text, p.spans) for p in pieces], separator)


# --- inline rendering ----------------------------------------------------------------------


def render_inline(
    text: str,
    spans: Sequence[Span],
    emit_text: Callable[[int, int], str],
    open_tag: Callable[[Span], str],
    close_tag: Callable[[Span], str],
) -> str:
    """``text`` with ``spans`` as properly nested markup: a span crossing another's edge is
    closed there and opened again. Nothing nests inside inline code. ``emit_text(start, end)``
    renders ``text[start:end]``. A mark (a footnote reference) is its ``open_tag`` and
    ``close_tag`` together, after the spans that end where it stands."""
    marks: dict[int, list[Span]] = {}
    for mark in (s for s in spans if s.kind.mark):
        marks.setdefault(mark.start, []).append(mark)
    spans = _outside_code(nested(s for s in spans if s.end > s.start and not s.kind.mark))
    starting: dict[int, list[Span]] = {}
    for span in spans:
        starting.setdefault(span.start, []).append(span)
    edges = sorted({0, len(text)} | {e for s in spans for e in (s.start, s.end)} | set(marks))
    out: list[str] = []
    stack: list[Span] = []
    for n, position in enumerate(edges):
        reopen: list[Span] = []
        while any(s.end <= position for s in stack):
            top = stack.pop()
            out.append(close_tag(top))
            if top.end > position:
                reopen.append(top)
        for span in reversed(reopen):
            out.append(open_tag(span))
            stack.append(span)
        out += [open_tag(m) + close_tag(m) for m in marks.get(position, ())]
        for span in starting.get(position, ()):
            out.append(open_tag(span))
            stack.append(span)
        if n + 1 < len(edges):
            out.append(emit_text(position, edges[n + 1]))
    return "".join(out)


def _outside_code(spans: list[Span]) -> list[Span]:
    """``spans`` without those inside inline code (the code spans kept, and formatting over
    exactly a code span: it stays, outside the code)."""
    code = [s for s in spans if s.kind is SpanKind.CODE]
    cover, exactly = Cover(code), {(s.start, s.end) for s in code}
    return [
        s
        for s in spans
        if s.kind is SpanKind.CODE
        or (s.start, s.end) in exactly
        or not cover.covers(s.start, s.end)
    ]


# --- tables ------------------------------------------------------------------------------


def same_cell(previous: Paragraph | None, block: Paragraph | None) -> bool:
    """Whether ``block`` is more of the table cell ``previous`` is in (a picture in the cell
    after its text): one cell in the output, not a cell of its own."""
    return (
        previous is not None
        and block is not None
        and block.cell is not None
        and previous.cell == block.cell
    )


def starts_table(previous: Paragraph | None, block: Paragraph) -> bool:
    """Whether ``block`` is the first cell of a table (after other blocks, or another table)."""
    if block.cell is None or same_cell(previous, block):
        return False
    return previous is None or previous.cell is None or block.cell == (0, 0)


# --- nesting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Container:
    kind: str  # "quote", "list" or "item"
    ordered: bool = False


def containers(
    paragraphs: Sequence[Paragraph],
) -> Iterator[tuple[list[Container], list[Container], Paragraph | None]]:
    """For each block, the containers to close (innermost first) and to open (outermost first)
    before it, so that block quotes and lists nest as in the source; last, with no block, the
    containers still open."""
    stack: list[Container] = []
    for block in paragraphs:
        want = [Container("quote")] * block.quote
        for level in range(1, block.depth + 1):
            here = len(want)
            if level == block.depth:
                ordered = block.ordered
            elif here < len(stack) and stack[here].kind == "list":
                ordered = stack[here].ordered
            else:
                ordered = False
            want += [Container("list", ordered), Container("item")]
        keep = 0
        while keep < min(len(stack), len(want)) and stack[keep] == want[keep]:
            keep += 1
        if block.kind is Kind.LIST_ITEM and block.depth:
            keep = min(keep, len(want) - 1)  # a new item, even in the same list
        closing = list(reversed(stack[keep:]))
        opening = want[keep:]
        stack = want
        yield closing, opening, block
    yield list(reversed(stack)), [], None


# --- footnotes -----------------------------------------------------------------------------


def article_blocks(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """The article's own blocks: everything but its footnotes."""
    return [p for p in paragraphs if not p.footnote]


def footnotes(paragraphs: Sequence[Paragraph]) -> list[tuple[str, int, list[Paragraph]]]:
    """The document's footnotes in order: (label, number from 1, the note's blocks)."""
    notes: dict[str, list[Paragraph]] = {}
    for paragraph in paragraphs:
        if paragraph.footnote:
            notes.setdefault(paragraph.footnote, []).append(paragraph)
    return [(label, n, blocks) for n, (label, blocks) in enumerate(notes.items(), start=1)]


def footnote_numbers(paragraphs: Sequence[Paragraph]) -> dict[str, int]:
    """Each footnote's label -> the number a reader sees (1, 2, ... in order)."""
    return {label: number for label, number, _ in footnotes(paragraphs)}
