"""Traditional stage: Simplified to Traditional Chinese with the official OpenCC.

Glossary terms are converted on their own: a hit's ``zh_hant`` (or OpenCC of the term) is
inserted as is, and OpenCC converts only the text between hits, so its phrase matching never
runs across a term's edges (s2twp alone turns 巨大冲击力 into 巨大沖擊力, matching 大沖).

What the zh-Hant edition's Notes quote is converted here too: glossary notes and editors'
notes (QA's messages are converted by QA, the formatting stage's with ``traditional_slice``), so
that edition reads in Traditional throughout.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace
from functools import cache

from bilingual.document import Document, Segment, Span, TermHit
from bilingual.document.characters import has_chinese

CONFIGS = {
    "s2twp": "Taiwan standard, with Taiwanese phrases (default)",
    "s2tw": "Taiwan standard characters",
    "s2hk": "Hong Kong standard",
    "s2t": "OpenCC standard Traditional",
}


@cache
def converter(config: str):
    import opencc

    if config not in CONFIGS:
        raise ValueError(f"unknown OpenCC configuration {config!r}")
    return opencc.OpenCC(f"{config}.json")


def term_form(hit: TermHit, config: str) -> str:
    """A term as the Traditional edition writes it: its ``zh_hant``, else OpenCC of ``zh``."""
    return hit.zh_hant or converter(config).convert(hit.zh)


def _converted(segment: Segment, config: str) -> tuple[str, dict[int, int]]:
    """The segment in Traditional Chinese, and where each span edge (and 0, the end) went.

    OpenCC also converts the stretches between span edges on their own, so every edge has an
    exact place in the result (s2twp may change a phrase's length: 软件 -> 軟體, U盘 -> 隨身碟).
    """
    convert = converter(config).convert
    source = segment.source
    edges = sorted({e for s in segment.spans for e in (s.start, s.end)} | {0, len(source)})
    where = {0: 0}  # source offset -> offset in the result
    pieces: list[str] = []
    length = 0

    def emit(text: str) -> None:
        nonlocal length
        pieces.append(text)
        length += len(text)

    last = 0
    stretches = [(h.start, h.end, h) for h in segment.terms] + [(len(source), len(source), None)]
    for start, end, hit in stretches:
        between = edges[bisect_right(edges, last) : bisect_left(edges, start)]
        cuts = between + ([start] if start > last else [])
        for cut in cuts:
            emit(convert(source[last:cut]))
            where[cut] = length
            last = cut
        if hit is not None:
            where[start] = length
            emit(term_form(hit, config))
            for e in edges[bisect_right(edges, start) : bisect_left(edges, end)]:
                where[e] = length  # an edge inside a term: the term's end
            where[end] = length
            last = end
    return "".join(pieces), where


def traditional_text(segment: Segment, config: str) -> tuple[str, tuple[Span, ...]]:
    """The segment in Traditional Chinese, and its spans moved onto that text."""
    text, where = _converted(segment, config)
    spans = tuple(
        replace(s, start=where[s.start], end=where[s.end])
        for s in segment.spans
        if where[s.start] < where[s.end] or s.kind.mark
    )
    return text, spans


def traditional_slice(segment: Segment, span: Span, config: str) -> str:
    """The text of ``span`` (one of the segment's spans) as the zh-Hant edition shows it."""
    text, where = _converted(segment, config)
    return text[where[span.start] : where[span.end]]


def _note(text: str, config: str) -> str:
    return converter(config).convert(text) if has_chinese(text) else text


def convert_segment(segment: Segment, config: str) -> Segment:
    """The segment's Traditional text and spans, and for the Traditional edition's notes each
    term hit's Traditional form and note, and the editors' notes."""
    text, spans = traditional_text(segment, config)
    terms = tuple(
        replace(
            hit,
            traditional=term_form(hit, config),
            traditional_note=_note(hit.note, config) if hit.note else None,
        )
        for hit in segment.terms
    )
    return replace(
        segment,
        traditional=text,
        traditional_spans=spans,
        terms=terms,
        traditional_editor_notes=tuple(_note(n, config) for n in segment.editor_notes),
    )


def convert_document(document: Document, config: str = "s2twp") -> Document:
    """The Traditional stage."""
    converted = document.map_segments(lambda s: convert_segment(s, config))
    title = converter(config).convert(document.title) if document.title else None
    return replace(converted, traditional_config=config, traditional_title=title)
