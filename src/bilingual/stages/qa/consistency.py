"""Consistency across the build: one Chinese sentence, one English; one English, one Chinese.

The build's documents are checked in order (in groups, so memory stays bounded), and the
``BuildIndex`` remembers the first English of every Chinese sentence and the first Chinese of
every English. A later segment that disagrees is flagged there, naming the earlier one, so each
inconsistency is reported once, the same way however the documents are grouped. Chinese is
compared without white space and with full-width forms folded (，= ,), English with white space
collapsed. Segments without Chinese (copied through) take no part.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bilingual.document import Segment
from bilingual.document.characters import has_chinese

if TYPE_CHECKING:
    from bilingual.stages.qa import Context, Finding


@dataclass(frozen=True)
class Seen:
    """An earlier segment of the build."""

    document: str
    id: str
    chinese: str
    traditional: str | None
    english: str

    def where(self, document: str) -> str:
        return self.id if document == self.document else f"{self.id} of {self.document}"


@dataclass(frozen=True)
class Sighting:
    same_chinese: Seen | None = None  # an earlier segment with this Chinese and other English
    same_english: Seen | None = None  # an earlier segment with this English and other Chinese


def _chinese_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _english_key(text: str) -> str:
    return " ".join(text.split())


class BuildIndex:
    """What the build has translated so far: first English by Chinese, first Chinese by English."""

    def __init__(self) -> None:
        self._by_chinese: dict[str, Seen] = {}
        self._by_english: dict[str, Seen] = {}

    def sight(self, document: str, segment: Segment) -> Sighting:
        """Record ``segment`` and say which earlier segments it disagrees with."""
        english = _english_key(segment.english or "")
        if not english or not has_chinese(segment.text):
            return Sighting()
        chinese = _chinese_key(segment.text)
        seen = Seen(document, segment.id, segment.text, segment.traditional, segment.english or "")
        first_by_chinese = self._by_chinese.setdefault(chinese, seen)
        first_by_english = self._by_english.setdefault(english, seen)
        return Sighting(
            first_by_chinese if _english_key(first_by_chinese.english) != english else None,
            first_by_english if _chinese_key(first_by_english.chinese) != chinese else None,
        )


def _quote(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return f'"{text if len(text) <= limit else text[: limit - 1] + "…"}"'


def inconsistent(segment: Segment, context: Context) -> Iterator[Finding]:
    earlier = context.sighting.same_chinese
    if earlier:
        yield context.finding(
            f"the same Chinese is translated differently at "
            f"{earlier.where(context.document.name)}: {_quote(earlier.english)}"
        )


def same_english(segment: Segment, context: Context) -> Iterator[Finding]:
    earlier = context.sighting.same_english
    if earlier:
        chinese = _quote(earlier.chinese, 60)
        traditional = _quote(earlier.traditional, 60) if earlier.traditional else None
        yield context.finding(
            f"the same English translates other Chinese at "
            f"{earlier.where(context.document.name)}: {chinese}",
            (chinese, traditional),
        )
