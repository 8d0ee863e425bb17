"""Glossary checks: every term in its glossary English, which beam hypothesis kept them, and the
variants read as terms."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bilingual.document import Segment
from bilingual.glossary.terms import missing_terms

if TYPE_CHECKING:
    from bilingual.stages.qa import Context, Finding


def missing(segment: Segment, context: Context) -> Iterator[Finding]:
    for hit in missing_terms(segment.english or "", segment.terms):
        yield context.finding(
            f'glossary: {hit.zh} should read "{hit.en}" but the English lacks it',
            (hit.zh, hit.traditional),
        )


def choice(segment: Segment, context: Context) -> Iterator[Finding]:
    if segment.beam_rank:
        yield context.finding(
            f"term-aware choice: hypothesis {segment.beam_rank + 1} of the beam, the "
            "best-scoring one that keeps every glossary term"
        )


def variant(segment: Segment, context: Context) -> Iterator[Finding]:
    replacements = context.paragraph.replacements  # in the order of the text
    end = segment.start + len(segment.source)
    first = bisect_left(replacements, segment.start, key=lambda r: r.start)
    for replacement in replacements[first:]:
        if replacement.start >= end:
            break
        yield context.finding(
            f'source had "{replacement.variant}", read as the term "{replacement.term}"',
            replacement.variant,
            replacement.term,
        )
