"""The two bilingual editions, and the table an editor sees in each.

``edition_table`` is the single statement of what an editable edition (the DOCX, the XLIFF) shows
for a document: per segment its ID, Chinese, English and Notes, plus the edition's identity. The
identity is a hash of that content, so a rebuild that changes nothing keeps it, and the project
keeps each table's rows (``memory.bases``) as the base an editor's file is later judged against.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bilingual.document import Document, Kind, Origin, Paragraph, Segment, SpanKind, TermHit
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

    def term_note(self, hit: TermHit) -> str | None:
        """A glossary term's note in this edition's script."""
        return (hit.traditional_note or hit.note) if self.traditional else hit.note

    def editor_notes(self, segment: Segment) -> tuple[str, ...]:
        """The editors' notes on a segment in this edition's script."""
        if self.traditional and segment.traditional_editor_notes:
            return segment.traditional_editor_notes
        return segment.editor_notes

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


# The kind of block a row belongs to, as the editors' table names it under the row's ID (a plain
# paragraph: nothing). One line per kind; ``{field}``s are the paragraph's (a heading's level).
KIND_LABELS: dict[Kind, str] = {
    Kind.HEADING: "heading {level}",
    Kind.LIST_ITEM: "list item",
    Kind.QUOTE: "quote",
    Kind.TABLE_CELL: "table cell",
    Kind.IMAGE: "caption",
    Kind.FOOTNOTE: "footnote",
}
TITLE_LABEL = "title"  # a heading at level 0: the document's title block
_FIELD = re.compile(r"\\\{\w+\\\}")  # a field, once re.escape'd


def kind_label(paragraph: Paragraph) -> str:
    """The label of a paragraph's kind ("heading 2", "table cell"), or "" for none."""
    if paragraph.kind is Kind.HEADING and paragraph.level == 0:
        return TITLE_LABEL
    template = KIND_LABELS.get(paragraph.kind)
    return template.format_map(vars(paragraph)) if template else ""


@functools.cache
def _kind_label_pattern() -> re.Pattern[str]:
    labels = [_FIELD.sub(r"\\S+", re.escape(t)) for t in KIND_LABELS.values()] + [TITLE_LABEL]
    return re.compile("|".join(f"(?:{label})" for label in labels))


def row_id(cell: str) -> str:
    """The ID in an ID cell as an editor returns it: its first line, when every other line is a
    kind label the build wrote; else the whole cell, spaces normalised (then an unknown ID)."""
    lines = [line for line in cell.splitlines() if line.strip()]
    if len(lines) > 1 and all(_kind_label_pattern().fullmatch(normal_space(x)) for x in lines[1:]):
        lines = lines[:1]
    return normal_space(" ".join(lines))


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
    """The Notes cell, in the edition's script (every piece of Chinese in it is Traditional in
    the zh-Hant edition): status, where the row is when that is not the article's text
    (``place``: "footnote 2, cited at p003.s01"), QA flags, the glossary notes of
    ``glossary_terms`` (default: every hit's), and the editors' own notes from the memory."""
    lines = [status(segment)] + ([place] if place else [])
    lines += [flag.text(edition.traditional) for flag in segment.flags]
    lines += [
        f"glossary: {edition.term(hit)} = {hit.en}: {edition.term_note(hit)}"
        for hit in segment.terms
        if hit.note and (glossary_terms is None or hit.zh in glossary_terms)
    ]
    lines += [EDITOR_NOTE + note for note in edition.editor_notes(segment)]
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
    """The document's (Chinese, English) title, for every edition: the title the reader sees,
    in both languages: its title block (Word's Title paragraph, a front matter title), else the
    heading that says its metadata's title (Word's properties), else its first heading; the
    metadata's title alone (no English) only when it has no heading, else the file name."""
    headings = [p for p in document.paragraphs if p.kind is Kind.HEADING and p.segments]
    block = next((p for p in headings if p.level == 0), None)
    block = block or next((p for p in headings if p.text == document.title), None)
    block = block or (headings[0] if headings else None)
    if block is None:
        if document.title:
            chinese = (document.traditional_title if edition.traditional else None) or ""
            return chinese or document.title, ""
        return document.name, ""
    chinese = "".join(
        (s.traditional if edition.traditional else s.source) or "" for s in block.segments
    )
    english = " ".join(e for s in block.segments if (e := (s.english or "").strip()))
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
