"""Glossary checks: every term in its glossary English and none the glossary says not to use,
which beam hypothesis kept them, and the variants read as terms."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bilingual.document import Segment
from bilingual.glossary.terms import missing_terms, term_pattern

if TYPE_CHECKING:
    from bilingual.stages.qa import Context, Finding


def missing(segment: Segment, context: Context) -> Iterator[Finding]:
    for hit in missing_terms(segment.english or "", segment.terms):
        yield context.finding(
            f'glossary: {hit.zh} should read "{hit.en}" but the English lacks it',
            (hit.zh, hit.traditional),
        )


def do_not_use(segment: Segment, context: Context) -> Iterator[Finding]:
    """A term's English the glossary says not to use (a termbase's deprecated or forbidden
    term), found in the English outside the term's own English (which may contain it)."""
    english = segment.english or ""
    for hit in {h.zh: h for h in segment.terms if h.avoid}.values():
        kept = term_pattern(hit.en, re.IGNORECASE).sub(lambda m: " " * len(m[0]), english)
        for avoided in hit.avoid:
            if term_pattern(avoided, re.IGNORECASE).search(kept):
                yield context.finding(
                    f'glossary: {hit.zh} should read "{hit.en}", not "{avoided}" (do not use)',
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
