"""Formatting stage: each segment's inline spans carried onto its English, or reported.

Sentences are translated without markup; afterwards a span is placed on the English where its
text can be found there: inline code and Latin text (names, URLs) as written, a glossary term as
its English, and a span over the whole sentence over the whole English. Anything else cannot be
placed without guessing, so it gets an info flag, "formatting not carried", listed in
``qa.json`` and the editors' Notes. Info, not warning: the editors' table is plain text, so there
is nothing an editor could do about it in the round trip, and it must not mark rows for review.

A footnote's mark is never left out (the note would lose its way in): it goes where the
Chinese has it when that place is clear (the sentence's end or start, after a glossary term or
Latin text), else at the end of the English sentence, noted ``footnote-mark-moved`` (info).
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
from bilingual.stages.traditional import traditional_slice

CHECK = "formatting-not-carried"
MARK_CHECK = "footnote-mark-moved"
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


_LATIN_BEFORE = re.compile(r"[A-Za-z0-9][\w.+\-/]*$")
_OPENING = "\"'“‘「『(（[【 "


def _mark_moved(segment: Segment, mark: Span) -> Flag:
    """The note that a mark went to the end of the English, quoting the Chinese it follows in
    each edition's script."""

    def message(text: str, at: int) -> str:
        return (
            f"footnote mark [^{mark.label}] placed at the end of the English sentence "
            f'(in the Chinese it follows "{text[:at].strip()[-8:]}")'
        )

    hant = next(
        (s for s in segment.traditional_spans if s.kind.mark and s.label == mark.label), None
    )
    traditional = message(segment.traditional, hant.start) if hant and segment.traditional else None
    return Flag(MARK_CHECK, message(segment.source, mark.start), Severity.INFO, traditional)


def _place_mark(segment: Segment, mark: Span, english: str) -> tuple[Span, bool]:
    """Where a footnote mark goes on ``english``: at the sentence's end (before its final
    punctuation when the Chinese has it there), at its start, or after the glossary term or
    Latin text it follows. Anywhere else it goes at the end of the English (True: moved): a
    reader still finds the footnote, and a note says where the Chinese had it."""
    source, at = segment.source, mark.start
    before, after = source[:at], source[at:]
    core = len(english.rstrip(_TRAILING))
    if not after.strip():
        return replace(mark, start=len(english.rstrip()), end=len(english.rstrip())), False
    if not after.strip(_TRAILING):
        return replace(mark, start=core, end=core), False
    if not before.strip(_OPENING):
        lead = len(english) - len(english.lstrip(_OPENING))
        return replace(mark, start=lead, end=lead), False
    patterns = [term_pattern(h.en, re.IGNORECASE) for h in segment.terms if h.end == at]
    if (latin := _LATIN_BEFORE.search(before)) is not None:
        patterns.append(_literal(latin.group()))
    for pattern in patterns:
        match = next(pattern.finditer(english), None)
        if match is not None:
            return replace(mark, start=match.end(), end=match.end()), False
    end = len(english.rstrip())
    return replace(mark, start=end, end=end), True


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
    """``segment`` with its English spans set and a flag for each span it could not place (at
    most ``MOST_FINDINGS``, then how many more, as every check; ``traditional``: the
    document's OpenCC configuration, for the zh-Hant edition's notes)."""
    english = segment.english or ""
    if not segment.spans or not english:
        return replace(segment, english_spans=())
    if english == segment.text:  # copied through (no Chinese): the same text, the same spans
        return replace(segment, english_spans=segment.spans)
    placing = _Placing(segment, english)
    placed: list[Span] = []
    missed: list[Span] = []
    marks_moved: list[Flag] = []
    for span in segment.spans:
        if span.kind.mark:
            placed_mark, moved = _place_mark(segment, span, english)
            placed.append(placed_mark)
            if moved:
                marks_moved.append(_mark_moved(segment, span))
            continue
        found = placing.place(span)
        if found is None:
            missed.append(span)
        else:
            placed.append(found)
    flags = [*segment.flags, *marks_moved]
    flags += (_flag(segment, span, traditional) for span in missed[:MOST_FINDINGS])
    if len(missed) > MOST_FINDINGS:
        more = len(missed) - MOST_FINDINGS
        flags.append(Flag(CHECK, f"… and {more} more like these", Severity.INFO))
    return replace(segment, english_spans=tuple(placed), flags=tuple(flags))


def carry_document(document: Document) -> Document:
    """The formatting stage (after QA, whose flags it keeps)."""
    return document.map_segments(lambda s: carry(s, document.traditional_config))
