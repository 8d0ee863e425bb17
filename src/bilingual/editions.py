"""The two bilingual editions: which Chinese text, which labels and language tags."""

from __future__ import annotations

from dataclasses import dataclass

from bilingual.document import Document, Segment, TermHit
from bilingual.traditional import LANGUAGE_TAGS


@dataclass(frozen=True)
class Edition:
    code: str  # "zh-Hans" or "zh-Hant": part of the file names
    column: str  # the Chinese column's header
    font: str  # East Asian font for Word
    traditional: bool

    def chinese(self, segment: Segment) -> str:
        text = segment.traditional if self.traditional else segment.source
        return (text or "").strip()

    def term(self, hit: TermHit) -> str:
        """A glossary term as this edition's Chinese writes it."""
        return (hit.traditional or hit.zh_hant or hit.zh) if self.traditional else hit.zh

    def language(self, document: Document) -> str:
        if not self.traditional:
            return "zh-CN"
        return LANGUAGE_TAGS.get(document.traditional_config or "s2twp", "zh-TW")

    def file_name(self, document: Document, suffix: str) -> str:
        return f"{document.name}.{self.code}_en.{suffix}"


SIMPLIFIED = Edition("zh-Hans", "简体中文", "Microsoft YaHei", traditional=False)
TRADITIONAL = Edition("zh-Hant", "繁體中文", "Microsoft JhengHei", traditional=True)
EDITIONS = (SIMPLIFIED, TRADITIONAL)
HEADER = ("ID", None, "English", "Notes")  # None: the edition's Chinese column


def header(edition: Edition) -> list[str]:
    return [edition.column if h is None else h for h in HEADER]


def edition_by_column(column: str) -> Edition | None:
    return next((e for e in EDITIONS if e.column == column), None)


def status(segment: Segment) -> str:
    """The editors' status: machine / edited / copied, and "needs review" when flagged."""
    base = {"memory": "edited", "copied": "copied"}.get(
        segment.origin.value if segment.origin else "", "machine"
    )
    return f"{base}, needs review" if segment.needs_review else base


def notes(segment: Segment, edition: Edition = SIMPLIFIED) -> str:
    """The Notes cell, in the edition's script: status, flags, glossary notes."""
    lines = [status(segment)]
    lines += [flag.text(edition.traditional) for flag in segment.flags]
    lines += [
        f"glossary: {edition.term(hit)} = {hit.en}: {hit.note}" for hit in segment.terms if hit.note
    ]
    return "\n".join(dict.fromkeys(lines))
