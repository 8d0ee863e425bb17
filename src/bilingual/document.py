"""The one document model every reader produces and every writer consumes.

Document -> paragraphs (one per non-empty source line) -> segments (sentences).
Stages return new objects (``dataclasses.replace``); nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"


class Origin(StrEnum):
    """Where a segment's English came from."""

    MACHINE = "machine"  # translated by the model in this build
    CACHE = "cache"  # machine translation from an earlier build
    MEMORY = "memory"  # an editor's translation, from the translation memory
    COPIED = "copied"  # no Chinese to translate (numbers, Latin text)


@dataclass(frozen=True)
class TermHit:
    """A glossary term found in a segment; offsets are into ``Segment.source``."""

    zh: str
    en: str
    zh_hant: str | None
    start: int
    end: int
    note: str | None = None  # the glossary's note, shown to editors


@dataclass(frozen=True)
class Replacement:
    """A glossary variant replaced by its term; offsets are into the corrected paragraph."""

    variant: str
    term: str
    start: int
    end: int


@dataclass(frozen=True)
class Flag:
    """Something a reviewer should look at."""

    check: str
    message: str
    severity: Severity = Severity.WARNING


@dataclass(frozen=True)
class Segment:
    id: str
    paragraph: int  # 0-based index of the source line
    source: str  # exact slice of the paragraph: segments concatenate back to it
    start: int = 0  # offset of ``source`` in the paragraph
    terms: tuple[TermHit, ...] = ()
    english: str | None = None
    origin: Origin | None = None
    traditional: str | None = None
    flags: tuple[Flag, ...] = ()

    @property
    def text(self) -> str:
        """The source without the white space that separates it from its neighbours."""
        return self.source.strip()

    @property
    def needs_review(self) -> bool:
        return any(flag.severity is Severity.WARNING for flag in self.flags)


@dataclass(frozen=True)
class Paragraph:
    index: int  # 0-based index of the source line
    text: str  # the line, trimmed, with glossary variants corrected
    segments: tuple[Segment, ...] = ()
    replacements: tuple[Replacement, ...] = ()


@dataclass(frozen=True)
class ModelInfo:
    name: str
    version: str
    device: str = "cpu"  # where it ran: the numbers differ on a GPU
    compute_type: str = "default"  # "default": the model's own (int8 for Argos packages)


@dataclass(frozen=True)
class Document:
    name: str  # output base name, e.g. "zhou-hongyi-on-sora"
    source_path: str
    paragraphs: tuple[Paragraph, ...]
    encoding: str = "utf-8"
    model: ModelInfo | None = None
    traditional_config: str | None = None

    @property
    def segments(self) -> list[Segment]:
        return [s for p in self.paragraphs for s in p.segments]

    def map_segments(self, fn) -> Document:
        """A new document with ``fn`` applied to every segment."""
        paragraphs = tuple(
            replace(p, segments=tuple(fn(s) for s in p.segments)) for p in self.paragraphs
        )
        return replace(self, paragraphs=paragraphs)
