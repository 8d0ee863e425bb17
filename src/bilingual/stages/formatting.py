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
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import replace

from bilingual.document import Document, Flag, Segment, Severity, Span, SpanKind, TermHit
from bilingual.document.characters import has_chinese
from bilingual.glossary.terms import term_pattern
from bilingual.stages.qa import MOST_FINDINGS

CHECK = "formatting-not-carried"
_TRAILING = "。！？!?.…;；:：,，、\"'”’」』)）]】 "
_LATIN_EDGE = re.compile(r"^\w|\w$")


def _whole_sentence(segment: Segment, span: Span) -> bool:
    text = segment.text
    core_end = len(text.rstrip(_TRAILING))
    core_start = len(text) - len(text.lstrip("\"'“‘「『(（[【 "))
    return span.start <= core_start and span.end >= core_end > core_start


def _literal(text: str) -> re.Pattern[str]:
    left = r"(?<!\w)" if _LATIN_EDGE.match(text[:1]) else ""
    right = r"(?!\w)" if _LATIN_EDGE.search(text[-1:]) else ""
    return re.compile(left + re.escape(text) + right)


class _Placing:
    """One segment's spans being placed on its English, each lookup in logarithmic time (a
    sentence with thousands of formatted words must not cost their square)."""

    def __init__(self, segment: Segment, english: str):
        self.segment, self.english = segment, english
        self.term_starts = [hit.start for hit in segment.terms]  # in order, apart
        self.placed: dict[SpanKind, tuple[list[int], list[int]]] = {}  # apart: starts, ends
        self.whole: dict[SpanKind, int] = {}  # the end of a whole-sentence span placed
        self.matches: dict[tuple, Iterator[re.Match[str]]] = {}  # (pattern, flags, kind)
        self._letter_after: list[int] | None = None

    def letter_after(self, position: int) -> int:
        """The first letter or digit of the source at or after ``position`` (its length if
        none)."""
        if self._letter_after is None:
            source = self.segment.source
            found, after = [len(source)] * (len(source) + 1), len(source)
            for i in range(len(source) - 1, -1, -1):
                if source[i].isalnum():
                    after = i
                found[i] = after
            self._letter_after = found
        return self._letter_after[position]

    def covering_term(self, span: Span) -> TermHit | None:
        """The glossary hit that is all of the span's Chinese (punctuation and spaces aside)."""
        terms = self.segment.terms
        for n in range(bisect_left(self.term_starts, span.start), len(terms)):
            hit = terms[n]
            if hit.end > span.end:
                break
            if (
                self.letter_after(span.start) >= hit.start
                and self.letter_after(hit.end) >= span.end
            ):
                return hit
        return None

    def free(self, kind: SpanKind, start: int, end: int) -> bool:
        """No span of ``kind`` placed so far overlaps ``[start, end)``."""
        if start < self.whole.get(kind, 0):
            return False
        starts, ends = self.placed.get(kind, ([], []))
        before = bisect_left(starts, end) - 1  # the last placed span starting before ``end``
        return before < 0 or ends[before] <= start

    def place(self, span: Span) -> Span | None:
        """Where ``span`` goes on the English, or None."""
        segment, english = self.segment, self.english
        chinese = segment.source[span.start : span.end]
        if _whole_sentence(segment, span):
            end = len(english) if span.end >= len(segment.text) else len(english.rstrip(_TRAILING))
            if not end:
                return None
            self.whole[span.kind] = max(self.whole.get(span.kind, 0), end)
            return replace(span, start=0, end=end)
        patterns = []
        if span.kind is SpanKind.CODE or not has_chinese(chinese):
            if not chinese.strip():  # matches anywhere, overlaps nothing: the first place
                return replace(span, start=0, end=0)
            patterns.append(_literal(chinese.strip()))
        elif (hit := self.covering_term(span)) is not None:
            patterns += [term_pattern(hit.en), term_pattern(hit.en, re.IGNORECASE)]
        for pattern in patterns:
            # Each pattern's matches are read once for each kind: a match passed over is taken
            # by a span of that kind for good.
            key = (pattern.pattern, pattern.flags, span.kind)
            matches = self.matches.setdefault(key, pattern.finditer(english))
            for match in matches:
                start, end = match.span()
                if self.free(span.kind, start, end):
                    starts, ends = self.placed.setdefault(span.kind, ([], []))
                    at = bisect_left(starts, start)
                    starts.insert(at, start)
                    ends.insert(at, end)
                    return replace(span, start=start, end=end)
        return None


def _describe(segment: Segment, span: Span) -> str:
    text = segment.source[span.start : span.end].strip()
    where = f" to {span.url}" if span.url else ""
    return f'formatting not carried: {span.kind.value} "{text}"{where}'


def carry(segment: Segment) -> Segment:
    """``segment`` with its English spans set and a flag for each span it could not place (at
    most ``MOST_FINDINGS``, then how many more, as every check)."""
    english = segment.english or ""
    if not segment.spans or not english:
        return replace(segment, english_spans=())
    if english == segment.text:  # copied through (no Chinese): the same text, the same spans
        return replace(segment, english_spans=segment.spans)
    placing = _Placing(segment, english)
    placed: list[Span] = []
    missed: list[str] = []
    for span in segment.spans:
        found = placing.place(span)
        if found is None:
            missed.append(_describe(segment, span))
        else:
            placed.append(found)
    if len(missed) > MOST_FINDINGS:
        more = len(missed) - MOST_FINDINGS
        missed = [*missed[:MOST_FINDINGS], f"… and {more} more like these"]
    flags = [*segment.flags, *(Flag(CHECK, message, Severity.INFO) for message in missed)]
    return replace(segment, english_spans=tuple(placed), flags=tuple(flags))


def carry_document(document: Document) -> Document:
    """The formatting stage (after QA, whose flags it keeps)."""
    return document.map_segments(carry)
