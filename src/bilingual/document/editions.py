"""The two bilingual editions, and the table an editor sees in each.

``edition_table`` is the single statement of what an editable edition (the DOCX, the XLIFF) shows
for a document: per segment its ID, Chinese, English and Notes, plus the edition's identity. The
identity is a hash of that content, so a rebuild that changes nothing keeps it, and the project
keeps each table's rows (``memory.bases``) as the base an editor's file is later judged against.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bilingual.document import Document, Kind, Origin, Segment, SpanKind, TermHit
from bilingual.document.languages import LANGUAGE_TAGS


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


def edition_by_code(code: str) -> Edition | None:
    return next((e for e in EDITIONS if e.code == code), None)


def status(segment: Segment) -> str:
    """The editors' status: machine / edited / copied, and "needs review" when flagged."""
    base = {Origin.MEMORY: "edited", Origin.COPIED: "copied"}.get(
        segment.origin or Origin.MACHINE, "machine"
    )
    return f"{base}, needs review" if segment.needs_review else base


EDITOR_NOTE = "editor: "
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def normal_space(text: str) -> str:
    """``text`` with runs of spaces, tabs and line breaks as one space, trimmed: how editions'
    cells are compared and stored. Non-breaking spaces and hyphens are characters, kept."""
    return _SPACES.sub(" ", text).strip()


def notes(
    segment: Segment,
    edition: Edition = SIMPLIFIED,
    glossary_terms: Collection[str] | None = None,
    place: str = "",
) -> str:
    """The Notes cell, in the edition's script: status, where the row is when that is not the
    article's text (``place``: "footnote 2, cited at p003.s01"), QA flags, the glossary notes
    of ``glossary_terms`` (default: every hit's), and the editors' own notes from the memory."""
    lines = [status(segment)] + ([place] if place else [])
    lines += [flag.text(edition.traditional) for flag in segment.flags]
    lines += [
        f"glossary: {edition.term(hit)} = {hit.en}: {hit.note}"
        for hit in segment.terms
        if hit.note and (glossary_terms is None or hit.zh in glossary_terms)
    ]
    lines += [EDITOR_NOTE + note for note in segment.editor_notes]
    return "\n".join(dict.fromkeys(lines))


# --- the editable table and its identity ----------------------------------------------------


@dataclass(frozen=True)
class EditionRow:
    id: str
    source: str  # the Simplified sentence: the translation memory's key
    chinese: str  # the Chinese this edition shows
    english: str
    memory: str | None  # the editors' English the memory held when built (None: machine)
    notes: str


@dataclass(frozen=True)
class EditionTable:
    identity: str  # "bilingual:NAME:CODE:HASH"
    name: str
    edition: Edition
    title: str
    source_path: str
    model: str  # "translate-zh_en 1.9", or "none"
    opencc: str | None
    rows: tuple[EditionRow, ...]

    @property
    def key(self) -> str:
        """The content hash at the end of the identity."""
        return self.identity.rsplit(":", 1)[1]


# The name is the source's file name, spaces and all: it ends where the code and hash follow.
IDENTITY = re.compile(r"bilingual:(?P<name>.+?):(?P<code>zh-Hans|zh-Hant):(?P<key>[0-9a-f]{12})")


def parse_identity(text: str) -> tuple[str, str, str] | None:
    """(name, edition code, key) from a text holding an edition identity, or None."""
    match = IDENTITY.search(text or "")
    return (match["name"], match["code"], match["key"]) if match else None


def identity_of(name: str, edition: Edition, opencc: str | None, rows: Sequence[EditionRow]) -> str:
    """The identity of an edition table: its name, edition and a hash of everything it shows."""
    material = [name, edition.code, opencc, [list(vars(r).values()) for r in rows]]
    digest = hashlib.sha256(json.dumps(material, ensure_ascii=False).encode()).hexdigest()[:12]
    return f"bilingual:{name}:{edition.code}:{digest}"


def titles(document: Document, edition: Edition) -> tuple[str, str]:
    """The document's (Chinese, English) title, for every edition: its metadata's title (front
    matter, Word's properties; no English), else its first heading's, else the file name."""
    if document.title:
        return (document.traditional_title if edition.traditional else None) or document.title, ""
    heading = next((p for p in document.paragraphs if p.kind is Kind.HEADING and p.segments), None)
    if heading is None:
        return document.name, ""
    chinese = "".join(
        (s.traditional if edition.traditional else s.source) or "" for s in heading.segments
    )
    english = " ".join(e for s in heading.segments if (e := (s.english or "").strip()))
    return chinese.strip(), english


def footnote_places(document: Document) -> dict[str, str]:
    """Segment ID -> "footnote N, cited at ID" for every sentence of a footnote (N as readers
    see it: the notes numbered in order)."""
    numbers: dict[str, int] = {}
    cited: dict[str, str] = {}
    for paragraph in document.paragraphs:
        if paragraph.footnote:
            numbers.setdefault(paragraph.footnote, len(numbers) + 1)
        for segment in paragraph.segments:
            for span in segment.spans:
                if span.kind is SpanKind.FOOTNOTE_REF and span.label:
                    cited.setdefault(span.label, segment.id)
    places: dict[str, str] = {}
    for paragraph in document.paragraphs:
        if paragraph.footnote:
            where = cited.get(paragraph.footnote)
            place = f"footnote {numbers[paragraph.footnote]}" + (
                f", cited at {where}" if where else ", not cited in the text"
            )
            places.update((segment.id, place) for segment in paragraph.segments)
    return places


def edition_table(document: Document, edition: Edition) -> EditionTable:
    """What an editable edition of ``document`` shows, row by row, and its identity."""
    rows: list[EditionRow] = []
    noted: set[str] = set()
    places = footnote_places(document)
    for segment in document.segments:
        new_notes = {hit.zh for hit in segment.terms if hit.note} - noted
        noted |= new_notes
        rows.append(
            EditionRow(
                id=segment.id,
                source=segment.text,
                chinese=edition.chinese(segment),
                english=segment.english or "",
                memory=segment.english if segment.origin is Origin.MEMORY else None,
                notes=notes(segment, edition, new_notes, places.get(segment.id, "")),
            )
        )
    model = f"{document.model.name} {document.model.version}" if document.model else "none"
    opencc = document.traditional_config if edition.traditional else None
    return EditionTable(
        identity=identity_of(document.name, edition, opencc, rows),
        name=document.name,
        edition=edition,
        title=titles(document, edition)[0],
        source_path=document.source_path,
        model=model,
        opencc=opencc,
        rows=tuple(rows),
    )
