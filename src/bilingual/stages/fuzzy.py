"""Fuzzy matches stage: for each sentence the memory has no exact match for, its closest entries
(``memory.fuzzy``), offered to editors in the segment's ``fuzzy`` and never applied: the
English stays the machine's. QA lists them (check ``fuzzy-match``) in the Notes and qa.json; the
XLIFF carries them as translation candidates."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from bilingual.document import Document, FuzzyMatch, Origin, Segment
from bilingual.document.characters import has_chinese

Find = Callable[[Sequence[str]], Sequence[tuple[FuzzyMatch, ...]]]


def wants_matches(segment: Segment) -> bool:
    """A sentence with Chinese whose English is the machine's (no editor's English for it)."""
    return segment.origin in (Origin.MACHINE, Origin.CACHE) and has_chinese(segment.text)


def offer_matches(documents: Sequence[Document], find: Find) -> list[Document]:
    """``documents`` with each machine-translated segment's fuzzy matches, looked up at once."""
    texts = list(dict.fromkeys(s.text for d in documents for s in d.segments if wants_matches(s)))
    found = dict(zip(texts, find(texts), strict=True)) if texts else {}

    def offer(segment: Segment) -> Segment:
        matches = found.get(segment.text, ()) if wants_matches(segment) else ()
        return replace(segment, fuzzy=matches) if matches else segment

    return [document.map_segments(offer) for document in documents]
