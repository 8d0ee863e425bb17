"""What the readers' writers (Markdown, web page, EPUB) share: each block's text in both
languages with its formatting, where tables and their cells start, and the nesting of quotes and
lists around each block."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from bilingual.document import Kind, Paragraph, Span, SpanKind
from bilingual.document.editions import Edition
from bilingual.document.spans import Cover, clip, join, nested


@dataclass(frozen=True)
class Piece:
    """One segment's text in one language, with its spans (offsets into ``text``)."""

    id: str
    text: str
    spans: tuple[Span, ...]


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
            out.append(Piece(segment.id, text, spans))
    return out


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
    renders ``text[start:end]``."""
    spans = _outside_code(nested(s for s in spans if s.end > s.start))
    starting: dict[int, list[Span]] = {}
    for span in spans:
        starting.setdefault(span.start, []).append(span)
    edges = sorted({0, len(text)} | {e for s in spans for e in (s.start, s.end)})
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
        for span in starting.get(position, ()):
            out.append(open_tag(span))
            stack.append(span)
        if n + 1 < len(edges):
            out.append(emit_text(position, edges[n + 1]))
    return "".join(out)


def _outside_code(spans: list[Span]) -> list[Span]:
    """``spans`` without those inside inline code (the code spans kept)."""
    code = Cover(s for s in spans if s.kind is SpanKind.CODE)
    return [s for s in spans if s.kind is SpanKind.CODE or not code.covers(s.start, s.end)]


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
