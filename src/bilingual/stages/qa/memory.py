"""The translation memory's offers: a sentence with no exact match in the memory but a close
one (``stages.fuzzy``) is listed with it, for the editor to reuse what fits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from bilingual.document import FuzzyMatch, Segment

if TYPE_CHECKING:
    from bilingual.stages.qa import Context, Finding


def describe(match: FuzzyMatch) -> str:
    """``92% match (p003.s01, alice.docx, 2026-05-02): 周鸿祎【说→表示】… = Zhou said …``; a
    suggestion (a machine or draft translation) says so after the date."""
    parts = (match.id, match.origin, match.time[:10], match.suggestion and f"{match.suggestion}")
    where = ", ".join(part for part in parts if part)
    return f"{match.score}% match ({where}): {match.marked or match.source} = {match.english}"


def fuzzy(segment: Segment, ctx: Context) -> Iterator[Finding]:
    for match in segment.fuzzy:
        yield ctx.finding(describe(match), match.marked or match.source)
