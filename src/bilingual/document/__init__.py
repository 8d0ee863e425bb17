"""The one document model every reader produces and every writer consumes.

Document -> paragraphs (blocks: a heading, a list item, a paragraph, ...) -> segments
(sentences). Inline formatting is a tuple of spans, offsets into the text they format, so the
text itself stays plain for segmentation, the glossary and the model. Every new field has a
default that is what a plain-text line means. Stages return new objects
(``dataclasses.replace``); nothing here does I/O.

The package also holds what every layer shares about text: editions (``editions``), language
tags (``languages``), span arithmetic (``spans``), characters (``characters``) and the rule for
link addresses (``links``). It imports nothing of the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from bilingual.document.characters import Cleaned


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"


class Origin(StrEnum):
    """Where a segment's English came from."""

    MACHINE = "machine"  # translated by the model in this build
    CACHE = "cache"  # machine translation from an earlier build
    MEMORY = "memory"  # an editor's translation, from the translation memory
    COPIED = "copied"  # no Chinese to translate (numbers, Latin text)


class Kind(StrEnum):
    """What a block is. Code and HTML blocks are copied through untranslated (no segments)."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list-item"  # the first paragraph of a list item; later ones are PARAGRAPHs
    QUOTE = "quote"  # a paragraph inside a block quote (``quote`` says how deep)
    CODE = "code"
    HTML = "html"
    IMAGE = "image"  # ``text`` is the alt text (translated), ``image`` the picture
    RULE = "rule"  # a thematic break: no text
    TABLE_CELL = "table-cell"  # ``cell`` says where; a table is a run of cells from (0, 0)
    # A paragraph of a footnote (or endnote): ``footnote`` is its label. A note's blocks follow
    # the article, in the order the notes are first cited; the citing block holds a
    # ``SpanKind.FOOTNOTE_REF`` span with that label where the mark stands.
    FOOTNOTE = "footnote"

    @property
    def translated(self) -> bool:
        return self not in (Kind.CODE, Kind.HTML, Kind.RULE)


class SpanKind(StrEnum):
    EMPHASIS = "emphasis"
    STRONG = "strong"
    CODE = "code"
    LINK = "link"
    STRIKE = "strike"  # strikethrough (Markdown ``~~``, Word's single and double strike)
    FOOTNOTE_REF = "footnote-ref"  # a footnote's mark: zero width (start == end), ``label`` set

    @property
    def mark(self) -> bool:
        """A mark at a place in the text rather than formatting over a stretch of it."""
        return self is SpanKind.FOOTNOTE_REF


@dataclass(frozen=True)
class Span:
    """Inline formatting over ``text[start:end]`` of whatever text it belongs to; a mark (a
    footnote reference) stands at ``start`` and covers no text (``start == end``)."""

    kind: SpanKind
    start: int
    end: int
    url: str | None = None  # links only
    label: str | None = None  # footnote references only: the footnote's label

    def shifted(self, by: int) -> Span:
        return replace(self, start=self.start + by, end=self.end + by)


@dataclass(frozen=True)
class Image:
    """A picture a block shows: its bytes travel with the document, so writers need no source."""

    src: str  # as the source wrote it (a path or a URL)
    file_name: str  # a name for copies (unique in the document), e.g. "chart.png"
    media_type: str  # e.g. "image/png"; "" for a remote picture that is linked, not copied
    data: bytes = b""

    @property
    def remote(self) -> bool:
        return not self.data


@dataclass(frozen=True)
class TermHit:
    """A glossary term found in a segment; offsets are into ``Segment.source``."""

    zh: str
    en: str
    zh_hant: str | None
    start: int
    end: int
    note: str | None = None  # the glossary's note, shown to editors
    traditional: str | None = None  # the form the zh-Hant edition shows (the Traditional stage)
    avoid: tuple[str, ...] = ()  # English the glossary says not to use for this term
    traditional_note: str | None = None  # ``note`` as the zh-Hant edition shows it


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
    message_hant: str | None = None  # the message with its Chinese in Traditional, if it has any

    def text(self, traditional: bool = False) -> str:
        """The message in the script of an edition."""
        return self.message_hant if traditional and self.message_hant else self.message


@dataclass(frozen=True)
class FuzzyMatch:
    """A memory entry close to a segment that has no exact match: offered, never applied."""

    score: int  # character-level similarity in whole percent
    source: str  # the memory's Chinese
    english: str  # the memory's English
    id: str  # the segment ID it was taken under
    origin: str  # the file it came from
    time: str  # ISO 8601
    marked: str = ""  # the memory's Chinese with what differs from the segment's marked
    suggestion: str | None = None  # not an editor's English: why (e.g. "machine translation")


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
    editor_notes: tuple[str, ...] = ()  # editors' notes on this sentence, from the memory
    traditional_editor_notes: tuple[str, ...] = ()  # the same as the zh-Hant edition shows them
    spans: tuple[Span, ...] = ()  # offsets into ``source``
    traditional_spans: tuple[Span, ...] = ()  # offsets into ``traditional``
    english_spans: tuple[Span, ...] = ()  # offsets into ``english``: what formatting carried
    # Which of the beam's hypotheses the English is: 0 the best-scoring; more when a lower one
    # kept every glossary term the best one dropped (the term-aware choice).
    beam_rank: int = 0
    # The memory's closest entries, best first, when it has no exact match (never applied).
    fuzzy: tuple[FuzzyMatch, ...] = ()

    @property
    def text(self) -> str:
        """The source without the white space that separates it from its neighbours."""
        return self.source.strip()

    @property
    def needs_review(self) -> bool:
        return any(flag.severity is Severity.WARNING for flag in self.flags)


@dataclass(frozen=True)
class Paragraph:
    """One block of the source. Its segment IDs come from ``index``: several blocks may share
    one (a picture taken out of a line of text), and then their sentences are numbered on."""

    index: int  # 0-based: the source line (text, Markdown) or body paragraph (DOCX) it starts at
    text: str  # trimmed, with glossary variants corrected
    segments: tuple[Segment, ...] = ()
    replacements: tuple[Replacement, ...] = ()
    kind: Kind = Kind.PARAGRAPH
    level: int = 0  # heading level, 1-6; 0: the document's title (Word's Title style)
    depth: int = 0  # list nesting: 0 outside lists, 1 in a top-level list item, ...
    ordered: bool = False  # list items: numbered or bulleted
    number: int = 0  # ordered list items: the item's number
    quote: int = 0  # block quote nesting
    spans: tuple[Span, ...] = ()  # offsets into ``text``
    info: str = ""  # code blocks: the fence's info string (e.g. the language)
    image: Image | None = None
    cell: tuple[int, int] | None = None  # table cells: (row, column); row 0 is the header
    footnote: str = ""  # the label of the footnote this block belongs to ("": the article)


# The check of what a reader could not keep as it was (info: nothing is lost, something is plainer).
SOURCE_UNSUPPORTED = "source-unsupported"


@dataclass(frozen=True)
class ReadingNote:
    """Something reading the source changed or could not keep as it was, named, never dropped
    silently: a link made plain text, nesting flattened (warnings), a footnote never cited or
    formatting the model has no place for (``source-unsupported``, info); listed in ``qa.json``
    by line."""

    line: int  # 1-based: the source line (text, Markdown), the paragraph's number (Word)
    check: str  # e.g. "link-refused", "nesting-flattened", "source-unsupported"
    message: str
    severity: Severity = Severity.WARNING


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
    cleaned: tuple[Cleaned, ...] = ()  # characters no output can hold, removed when read
    reading_notes: tuple[ReadingNote, ...] = ()  # what reading changed or could not keep, by line
    title: str | None = None  # from the source's metadata (front matter, DOCX properties)
    author: str | None = None  # from the source's metadata (front matter, DOCX core creator)
    traditional_title: str | None = None  # ``title`` in Traditional Chinese
    date: str | None = None  # YYYY-MM-DD: the metadata's date, else the file's

    @property
    def images(self) -> list[Image]:
        return [p.image for p in self.paragraphs if p.image is not None and not p.image.remote]

    @property
    def segments(self) -> list[Segment]:
        return [s for p in self.paragraphs for s in p.segments]

    def map_segments(self, fn) -> Document:
        """A new document with ``fn`` applied to every segment."""
        paragraphs = tuple(
            replace(p, segments=tuple(fn(s) for s in p.segments)) for p in self.paragraphs
        )
        return replace(self, paragraphs=paragraphs)
