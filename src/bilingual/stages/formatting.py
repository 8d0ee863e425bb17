"""Formatting stage: each segment's inline spans carried onto its English, or reported.

Sentences are translated without markup; afterwards a span is placed on the English where its
text can be found there: inline code and Latin text (names, URLs) as written, a glossary term as
its English, and a span over the whole sentence over the whole English. Anything else cannot be
placed without guessing, so it gets an info flag, "formatting not carried", listed in
``qa.json`` and the editors' Notes. Info, not warning: the editors' table is plain text, so there
is nothing an editor could do about it in the round trip, and it must not mark rows for review.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bilingual.document import Document, Flag, Segment, Severity, Span, SpanKind, TermHit
from bilingual.document.characters import has_chinese
from bilingual.glossary.terms import term_pattern
from bilingual.stages.traditional import traditional_slice

CHECK = "formatting-not-carried"
_TRAILING = "。！？!?.…;；:：,，、\"'”’」』)）]】 "
_LATIN_EDGE = re.compile(r"^\w|\w$")


def _whole_sentence(segment: Segment, span: Span) -> bool:
    text = segment.text
    core_end = len(text.rstrip(_TRAILING))
    core_start = len(text) - len(text.lstrip("\"'“‘「『(（[【 "))
    return span.start <= core_start and span.end >= core_end > core_start


def _covering_term(segment: Segment, span: Span) -> TermHit | None:
    """The glossary hit that is all of the span's Chinese (punctuation and spaces aside)."""
    for hit in segment.terms:
        if span.start <= hit.start and hit.end <= span.end:
            rest = segment.source[span.start : hit.start] + segment.source[hit.end : span.end]
            if not any(c.isalnum() for c in rest):
                return hit
    return None


def _literal(text: str) -> re.Pattern[str]:
    left = r"(?<!\w)" if _LATIN_EDGE.match(text[:1]) else ""
    right = r"(?!\w)" if _LATIN_EDGE.search(text[-1:]) else ""
    return re.compile(left + re.escape(text) + right)


def _place(segment: Segment, span: Span, english: str, taken: list[Span]) -> Span | None:
    """Where ``span`` goes on ``english``, or None."""
    chinese = segment.source[span.start : span.end]
    if _whole_sentence(segment, span):
        end = len(english) if span.end >= len(segment.text) else len(english.rstrip(_TRAILING))
        return replace(span, start=0, end=end) if end else None
    patterns = []
    if span.kind is SpanKind.CODE or not has_chinese(chinese):
        patterns.append(_literal(chinese.strip()))
    elif (hit := _covering_term(segment, span)) is not None:
        patterns += [term_pattern(hit.en), term_pattern(hit.en, re.IGNORECASE)]
    for pattern in patterns:
        for match in pattern.finditer(english):
            start, end = match.span()
            if not any(t.kind is span.kind and t.start < end and start < t.end for t in taken):
                return replace(span, start=start, end=end)
    return None


def _describe(text: str, span: Span) -> str:
    where = f" to {span.url}" if span.url else ""
    return f'formatting not carried: {span.kind.value} "{text.strip()}"{where}'


def _flag(segment: Segment, span: Span, traditional: str | None) -> Flag:
    """The flag of a span not carried; its message quotes the span as each edition shows it."""
    message = _describe(segment.source[span.start : span.end], span)
    hant = None
    if traditional is not None:
        hant = _describe(traditional_slice(segment, span, traditional), span)
    return Flag(CHECK, message, Severity.INFO, hant if hant != message else None)


def carry(segment: Segment, traditional: str | None = None) -> Segment:
    """``segment`` with its English spans set and a flag for each span it could not place
    (``traditional``: the document's OpenCC configuration, for the zh-Hant edition's notes)."""
    english = segment.english or ""
    if not segment.spans or not english:
        return replace(segment, english_spans=())
    if english == segment.text:  # copied through (no Chinese): the same text, the same spans
        return replace(segment, english_spans=segment.spans)
    placed: list[Span] = []
    flags = list(segment.flags)
    for span in segment.spans:
        found = _place(segment, span, english, placed)
        if found is None:
            flags.append(_flag(segment, span, traditional))
        else:
            placed.append(found)
    return replace(segment, english_spans=tuple(placed), flags=tuple(flags))


def carry_document(document: Document) -> Document:
    """The formatting stage (after QA, whose flags it keeps)."""
    return document.map_segments(lambda s: carry(s, document.traditional_config))
