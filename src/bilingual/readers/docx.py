"""The Word reader: a DOCX article into blocks with inline spans, read as Word shows it.

Blocks come from paragraph styles, by name and through ``basedOn`` (so Word's and LibreOffice's
styles both work): Title and Heading 1-6 (or an outline level) are headings; a paragraph with
list numbering (its own or its style's) is a list item, ordered unless the level's format is a
bullet; Quote, Intense Quote and Quotations are quotes; code styles (HTML Preformatted, Source
Text, ...) are code. Runs give bold, italic, inline code (a code character style or a
monospace font) and hyperlinks (``w:hyperlink`` and HYPERLINK fields). Tracked insertions count,
deletions do not; a drawing's picture becomes a picture block with its description as alt text
(a text box's pictures belong to the text box's own paragraphs).

A block's ``index`` is the paragraph's 0-based number among the body's paragraphs (table cells
and text boxes included, in reading order), so IDs are ``p{N}`` for the N-th paragraph. A table
cell is one block (its paragraphs joined by line breaks), numbered by its first paragraph; its
pictures are blocks of the same cell. A picture is read once per package part.

The package is opened with limits before python-docx sees it (``_package``): every part is
expanded counting its bytes (``util.zip_input``), every XML part is read by the one entity rule
of ``util.xml_input``, and python-docx gets a copy with stored members and no DTD left. Links are
kept by the rule of ``document.links``; a refused one becomes plain text, noted by paragraph.

Footnotes and endnotes (``word/footnotes.xml``, ``word/endnotes.xml``): a reference in the text
becomes a mark there, and the note's paragraphs ``Kind.FOOTNOTE`` blocks after the article,
numbered 1, 2, ... in the order they are cited (endnotes among them), their paragraph numbers
following the body's. Strikethrough (single or double) is a span.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from bilingual.document import (
    SOURCE_UNSUPPORTED,
    Cleaned,
    Document,
    Image,
    Kind,
    Paragraph,
    ReadingNote,
    Severity,
    SpanKind,
)
from bilingual.document.characters import UNSUPPORTED, replacement
from bilingual.document.links import allowed, picture_allowed, shown, why_refused
from bilingual.errors import InputError
from bilingual.readers.decode import file_date
from bilingual.readers.images import DocumentImages, embedded_image
from bilingual.readers.inline import InlineText
from bilingual.util.xml_input import declares_dtd, parse
from bilingual.util.zip_input import DAMAGED, BoundedZip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
V = "{urn:schemas-microsoft-com:vml}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

_SKIPPED = {W + "del", W + "moveFrom", W + "pPr", W + "rPr", MC + "Fallback", W + "txbxContent"}
_HEADING = re.compile(r"^heading\s*(\d)$")
_QUOTES = {"quote", "intense quote", "quotations", "block text", "block quote"}
_CODE_STYLE = re.compile(r"code|preformatted|source text|verbatim|monospace|^macro", re.IGNORECASE)
_MONOSPACE = re.compile(  # "Mono" as a word: DejaVu Sans Mono, not Monotype Corsiva
    r"courier|consolas|menlo|monaco|\bmono(?:space|spaced)?\b|source code|fira code|lucida console",
    re.IGNORECASE,
)
_HYPERLINK = re.compile(r"\s*HYPERLINK\b(.*)", re.IGNORECASE | re.DOTALL)
_FIELD_PART = re.compile(r'\\(\S)|"([^"]*)"|([^\s"\\]+)')
# \l location, \o tooltip, \t target frame; \* \@ \# formats (\* MERGEFORMAT)
_SWITCHES_WITH_ARGUMENT = {"l", "o", "t", "*", "@", "#"}
_LIST_DEPTH = re.compile(r"^list (?:bullet|number|continue)\s*(\d)$")
_MAX_LEVEL = 8  # Word's list levels are 0-8 (ilvl); outline levels 0-8, 9 is body text

MAX_PART_BYTES = 64 * 1024 * 1024  # one part expanded (document.xml of a long article: ~10 MB)
MAX_PACKAGE_BYTES = 128 * 1024 * 1024  # all parts together, pictures included
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_SAVE_AGAIN = "save it again as .docx from Word or LibreOffice"


def _number(value: str | None, default: int, low: int = 0, high: int = 2**31) -> int:
    """A decimal attribute, ``default`` when it is none, clamped to ``low``-``high``."""
    try:
        number = int(value) if value is not None else default
    except ValueError:  # not a number, or thousands of digits
        number = default
    return min(max(number, low), high)


# a note reference in the text -> (the part holding the notes, the note element's tag)
_NOTE_REFERENCES = {
    W + "footnoteReference": ("footnotes", W + "footnote"),
    W + "endnoteReference": ("endnotes", W + "endnote"),
}


def _field_link(instruction: str) -> str | None:
    """The address of a HYPERLINK field (``HYPERLINK "https://..." [\\l "part"] [\\o "tip"]``), with
    its location as a fragment; None for a place inside the document (``HYPERLINK \\l "_Toc1"``,
    a table of contents' entry), which leads nowhere outside Word, and for any other field."""
    match = _HYPERLINK.match(instruction)
    if match is None:
        return None
    target = location = switch = None
    for name, quoted, bare in _FIELD_PART.findall(match[1]):
        if name:
            switch = name.lower() if name.lower() in _SWITCHES_WITH_ARGUMENT else None
            continue
        value = quoted or bare
        if switch == "l":
            location = value
        elif switch is None and target is None:
            target = value
        switch = None
    if not target:
        return None
    return f"{target}#{location}" if location else target


def _first_value(holders: list, tag: str) -> str | None:
    """The ``w:val`` of the first ``tag`` found in ``holders`` (elements or None), in order."""
    for holder in holders:
        found = holder.find(W + tag) if holder is not None else None
        if found is not None:
            return found.get(W + "val")
    return None


def _on(element) -> bool | None:
    """A toggle property (``w:b``, ``w:i``): None when absent."""
    if element is None:
        return None
    return element.get(W + "val", "true").lower() not in ("0", "false", "off", "none")


def _unkept_formatting(run) -> list[str]:
    """The run's own formatting that the model has no span for, by name."""
    rpr = run.find(W + "rPr")
    if rpr is None:
        return []
    names = []
    underline = rpr.find(W + "u")
    if underline is not None and underline.get(W + "val", "single") != "none":
        names.append("underline")
    align = rpr.find(W + "vertAlign")
    if align is not None and align.get(W + "val") in ("superscript", "subscript"):
        names.append(str(align.get(W + "val")))
    highlight = rpr.find(W + "highlight")
    if highlight is not None and highlight.get(W + "val", "none") != "none":
        names.append("highlight")
    return names


def _on_attribute(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


def _in_fallback(element) -> bool:
    """Inside ``mc:Fallback``: a copy of content ``mc:Choice`` holds (text boxes, drawings)."""
    return any(a.tag == MC + "Fallback" for a in element.iterancestors())


def _in_text_box(element, top) -> bool:
    """Inside a text box below ``top``: the text box's own paragraphs read it."""
    if element is top:
        return False
    for ancestor in element.iterancestors():
        if ancestor is top:
            return False
        if ancestor.tag == W + "txbxContent":
            return True
    return False


@dataclass(frozen=True)
class _Style:
    name: str  # lower case
    based_on: str | None
    ppr: Any
    rpr: Any


@dataclass
class _Styles:
    by_id: dict[str, _Style]

    def chain(self, style_id: str | None) -> list[_Style]:
        out: list[_Style] = []
        while style_id and style_id in self.by_id and len(out) < 20:
            style = self.by_id[style_id]
            out.append(style)
            style_id = style.based_on
        return out

    def first(self, style_id: str | None, path: str, where: str = "ppr") -> Any:
        """The first ``path`` element found in the style or the styles it is based on."""
        for style in self.chain(style_id):
            holder = getattr(style, where)
            found = holder.find(path) if holder is not None else None
            if found is not None:
                return found
        return None


def _styles(document) -> _Styles:
    by_id = {}
    for style in document.styles.element.findall(W + "style"):
        name = style.find(W + "name")
        based = style.find(W + "basedOn")
        by_id[style.get(W + "styleId")] = _Style(
            (name.get(W + "val") if name is not None else "").lower(),
            based.get(W + "val") if based is not None else None,
            style.find(W + "pPr"),
            style.find(W + "rPr"),
        )
    return _Styles(by_id)


@dataclass
class _Numbering:
    """List formats and counters from ``numbering.xml``, looked up by id in maps built once
    (never by an XPath holding the document's own values)."""

    element: Any
    counters: dict[tuple[str, int], int] = field(default_factory=dict)
    nums: dict[str, Any] = field(default_factory=dict)
    abstracts: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.element is not None:
            for num in self.element.iterchildren(W + "num"):
                self.nums.setdefault(num.get(W + "numId") or "", num)
            for abstract in self.element.iterchildren(W + "abstractNum"):
                self.abstracts.setdefault(abstract.get(W + "abstractNumId") or "", abstract)

    @staticmethod
    def _at_level(parent: Any, tag: str, ilvl: int) -> Any:
        return next(
            (c for c in parent.iterchildren(W + tag) if _number(c.get(W + "ilvl"), -1) == ilvl),
            None,
        )

    def _level(self, num_id: str, ilvl: int) -> tuple[bool, int]:
        """(ordered, start) of a list level."""
        num = self.nums.get(num_id)
        if num is None:
            return False, 1
        start = None
        override = self._at_level(num, "lvlOverride", ilvl)
        override = override.find(W + "startOverride") if override is not None else None
        if override is not None:
            start = _number(override.get(W + "val"), 1)
        abstract_id = num.find(W + "abstractNumId")
        abstract = (
            self.abstracts.get(abstract_id.get(W + "val") or "")
            if abstract_id is not None
            else None
        )
        level = self._at_level(abstract, "lvl", ilvl) if abstract is not None else None
        if level is None:
            return False, start or 1
        fmt = level.find(W + "numFmt")
        ordered = fmt is not None and fmt.get(W + "val") not in ("bullet", "none")
        level_start = level.find(W + "start")
        if start is None:
            start = _number(level_start.get(W + "val"), 1) if level_start is not None else 1
        return ordered, start

    def item(self, num_id: str, ilvl: int) -> tuple[bool, int]:
        """(ordered, number) of the next item at this list and level."""
        ordered, start = self._level(num_id, ilvl)
        for deeper in range(ilvl + 1, _MAX_LEVEL + 1):  # a new item restarts its sub-lists
            self.counters.pop((num_id, deeper), None)
        number = self.counters.get((num_id, ilvl), start - 1) + 1
        self.counters[(num_id, ilvl)] = number
        return ordered, number


class _Reader:
    def __init__(self, document, path: Path):
        self.document = document
        self.path = path
        self.styles = _styles(document)
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            numbering = None
        self.numbering = _Numbering(numbering)
        self.images = DocumentImages()
        self.rels = document.part.rels
        self.cleaned: list[Cleaned] = []  # characters no output can hold, as they were removed
        self.reading_notes: list[ReadingNote] = []  # links made plain text, what is not kept
        self.cited: dict[tuple[str, str], str] = {}  # (part, note id) -> label, citation order
        self.unkept: dict[str, tuple[int, int]] = {}  # name -> (how often, first paragraph)

    def _clean(self, text: str, line: int, column: int) -> str:
        """``text`` without the characters no output can hold, by the rule every reader follows
        (``document.characters``); each is listed at ``line`` (the paragraph's number) and its
        column there (``text`` starts at 0-based ``column``)."""
        for match in UNSUPPORTED.finditer(text):
            char = match.group()
            self.cleaned.append(Cleaned(line, column + match.start() + 1, char, replacement(char)))
        return UNSUPPORTED.sub(lambda m: replacement(m.group()), text)

    # --- runs ------------------------------------------------------------------------------

    def _link(self, hyperlink) -> str | None:
        rid = hyperlink.get(R + "id")
        if rid and rid in self.rels and self.rels[rid].is_external:
            return self.rels[rid].target_ref
        return None  # internal bookmarks lead nowhere outside Word

    def _kept(self, url: str | None, number: int) -> str | None:
        """``url`` if an output may link to it; else None, and a note for paragraph
        ``number`` (its text stays, unlinked)."""
        if url is None or allowed(url):
            return url
        self.reading_notes.append(
            ReadingNote(
                number,
                "link-refused",
                f"paragraph {number}: link to {shown(url)} made plain text ({why_refused(url)}; "
                "only http, https and mailto addresses and #places in the document are kept)",
            )
        )
        return None

    def _formats(self, run) -> set[SpanKind]:
        rpr = run.find(W + "rPr")
        style_el = rpr.find(W + "rStyle") if rpr is not None else None
        style_id = style_el.get(W + "val") if style_el is not None else None
        names = {s.name for s in self.styles.chain(style_id)}
        kinds = set()

        def toggle(tag: str) -> bool:
            direct = _on(rpr.find(W + tag)) if rpr is not None else None
            if direct is not None:
                return direct
            return bool(_on(self.styles.first(style_id, W + tag, "rpr")))

        if toggle("b") or "strong" in names:
            kinds.add(SpanKind.STRONG)
        if toggle("i") or "emphasis" in names:
            kinds.add(SpanKind.EMPHASIS)
        fonts = rpr.find(W + "rFonts") if rpr is not None else None
        font = fonts.get(W + "ascii", "") if fonts is not None else ""
        if _MONOSPACE.search(font) or any(_CODE_STYLE.search(n) for n in names):
            kinds.add(SpanKind.CODE)
        if toggle("strike") or toggle("dstrike"):
            kinds.add(SpanKind.STRIKE)
        return kinds

    def _pictures(self, element, where: str, number: int) -> list[tuple[str, Image]]:
        found = []
        for drawing in element.iter(W + "drawing", V + "imagedata"):
            if _in_fallback(drawing) or _in_text_box(drawing, element):
                continue
            if drawing.tag == V + "imagedata":
                rid = drawing.get(R + "id")
                alt = ""
            else:
                blips = (b for b in drawing.iter(A + "blip") if not _in_text_box(b, drawing))
                blip = next(blips, None)
                rid = (blip.get(R + "embed") or blip.get(R + "link")) if blip is not None else None
                doc_pr = next(drawing.iter(WP + "docPr"), None)
                alt = (
                    (doc_pr.get("descr") or doc_pr.get("title") or "") if doc_pr is not None else ""
                )
            if not rid or rid not in self.rels:
                continue
            if self.rels[rid].is_external:  # a linked picture: a remote one, as in Markdown
                target = self.rels[rid].target_ref
                if picture_allowed(target):
                    found.append((alt, Image(target, "", "")))
                else:
                    described = f"; its description: {alt}" if alt.strip() else ""
                    self.reading_notes.append(
                        ReadingNote(
                            number,
                            "link-refused",
                            f"paragraph {number}: picture linked to {shown(target)} left out "
                            f"({why_refused(target)}; only http and https pictures are "
                            f"linked){described}",
                        )
                    )
                continue
            part = self.rels[rid].target_part
            image = embedded_image(
                str(part.partname), part.content_type, part.blob, where, self.images
            )
            found.append((alt, image))
        return found

    def paragraph_text(
        self, p, where: str, number: int
    ) -> tuple[InlineText, list[tuple[str, Image]]]:
        """Paragraph ``p``'s text and spans, and its pictures (with their alt text); ``number``
        is its 1-based number, the line of the characters cleaned."""
        text = InlineText()
        pictures: list[tuple[str, Image]] = []
        fields: list[dict] = []  # complex fields: {"instr": str, "shown": bool}

        def run(r, link: str | None) -> None:
            field_link = next(
                (f["url"] for f in reversed(fields) if f["shown"] and f.get("url")), None
            )
            url = link or field_link
            kinds = self._formats(r)
            pieces: list[str] = []
            custom_mark = False  # a note reference whose mark is the run's own text (w:t)
            for child in r:
                tag = child.tag
                if tag in _NOTE_REFERENCES:
                    emit("".join(pieces), kinds, url)
                    pieces = []
                    text.footnote_mark(self._cite(tag, child.get(W + "id", "")))
                    custom_mark = _on_attribute(child.get(W + "customMarkFollows"))
                elif tag == W + "t" and custom_mark:
                    custom_mark = False  # the mark itself (Word shows it in place of a number)
                elif tag == W + "t":
                    pieces.append(child.text or "")
                elif tag == W + "tab":
                    pieces.append(" ")
                elif tag in (W + "br", W + "cr"):
                    if child.get(W + "type") not in ("page", "column"):
                        pieces.append("\n")
                elif tag == W + "noBreakHyphen":
                    pieces.append("-")
                elif tag == W + "sym":
                    try:
                        code = int(child.get(W + "char", "0"), 16)
                    except ValueError:
                        code = 0
                    if 0 < code <= 0x10FFFF and not 0xF000 <= code <= 0xF0FF:
                        pieces.append(chr(code))  # symbol-font glyphs (F0xx) have no text
                elif tag == W + "fldChar":
                    kind = child.get(W + "fldCharType")
                    if kind == "begin":
                        fields.append({"instr": "", "shown": False})
                    elif kind == "separate" and fields:
                        fields[-1]["shown"] = True
                        fields[-1]["url"] = self._kept(_field_link(fields[-1]["instr"]), number)
                    elif kind == "end" and fields:
                        fields.pop()
                elif tag == W + "instrText" and fields:
                    fields[-1]["instr"] += child.text or ""
                elif tag in (W + "drawing", W + "pict", MC + "AlternateContent"):
                    pictures.extend(self._pictures(child, where, number))
                elif tag == W + "commentReference":
                    self._unkept("a comment", number)
            if "".join(pieces).strip():
                for name in _unkept_formatting(r):
                    self._unkept(name, number)
            emit("".join(pieces), kinds, url)

        def emit(value: str, kinds: set[SpanKind], url: str | None) -> None:
            value = self._clean(value, number, text.length)
            for kind in sorted(kinds):
                text.open(kind)
            if url:
                text.open(SpanKind.LINK, url)
            for n, line in enumerate(value.split("\n")):
                if n:
                    text.line_break()
                text.add(line)
            if url:
                text.close(SpanKind.LINK)
            for kind in sorted(kinds, reverse=True):
                text.close(kind)

        def walk(element, link: str | None) -> None:
            for child in element:
                tag = child.tag
                if tag in _SKIPPED:
                    continue
                if tag == W + "hyperlink":
                    walk(child, self._kept(self._link(child), number) or link)
                elif tag == W + "fldSimple":
                    walk(child, self._kept(_field_link(child.get(W + "instr", "")), number) or link)
                elif tag == W + "r":
                    run(child, link)
                elif tag == M + "oMath":  # an equation: its text, read as plain text
                    emit("".join(t.text or "" for t in child.iter(M + "t")), set(), link)
                    self._unkept("an equation's layout (Word math)", number)
                else:  # w:ins, w:moveTo, w:sdt, w:sdtContent, w:smartTag, w:customXml, ...
                    walk(child, link)

        walk(p, None)
        return text, pictures

    def _unkept(self, name: str, number: int) -> None:
        """Count what the model cannot hold (underline, a comment), by name."""
        count, first = self.unkept.get(name, (0, number))
        self.unkept[name] = (count + 1, first)

    def unkept_notes(self) -> list[ReadingNote]:
        return [
            ReadingNote(
                first,
                SOURCE_UNSUPPORTED,
                f"{name} is not kept ({count} in all, the first in paragraph {first}): the text "
                "is read without it",
                Severity.INFO,
            )
            for name, (count, first) in self.unkept.items()
        ]  # fmt: skip

    def _cite(self, tag: str, ident: str) -> str:
        """The label of the note a reference cites: 1, 2, ... in citation order."""
        key = (_NOTE_REFERENCES[tag][0], ident)
        return self.cited.setdefault(key, str(len(self.cited) + 1))

    # --- footnotes and endnotes -------------------------------------------------------------

    def _note_parts(self) -> dict[str, tuple[Any, Any]]:
        """``footnotes`` and ``endnotes``: (the part's XML, its relationships)."""
        from docx.oxml import parse_xml

        parts = {}
        for rel in self.document.part.rels.values():
            name = rel.reltype.rsplit("/", 1)[-1]
            if name in ("footnotes", "endnotes") and not rel.is_external:
                part = rel.target_part
                element = getattr(part, "element", None)
                parts[name] = (element if element is not None else parse_xml(part.blob), part.rels)
        return parts

    def notes(self, first: int) -> list[Paragraph]:
        """The cited notes' paragraphs as footnote blocks, numbered on from ``first``."""
        parts = self._note_parts()
        tags = dict(_NOTE_REFERENCES.values())
        blocks: list[Paragraph] = []
        index = first
        body_rels = self.rels
        by_id: dict[str, dict] = {}  # part -> note id -> the note element
        for (part_name, ident), label in self.cited.items():
            if part_name not in parts:
                self.reading_notes.append(
                    ReadingNote(
                        first,
                        SOURCE_UNSUPPORTED,
                        f"note {label} is cited but the file has no {part_name}",
                        Severity.INFO,
                    )
                )
                continue
            root, self.rels = parts[part_name]
            if part_name not in by_id:
                by_id[part_name] = {n.get(W + "id"): n for n in root.iter(tags[part_name])}
            note = by_id[part_name].get(ident)
            paragraphs = [] if note is None else [p for p in note.iter(W + "p")]
            if note is not None and note.find(f".//{W}tbl") is not None:
                self.reading_notes.append(
                    ReadingNote(
                        index + 1,
                        SOURCE_UNSUPPORTED,
                        f"a table inside note {label} is read as paragraphs",
                        Severity.INFO,
                    )
                )
            for p in paragraphs:
                if _in_fallback(p):
                    continue
                where = f"{self.path}: {part_name[:-1]} {label}"
                inline, pictures = self.paragraph_text(p, where, index + 1)
                text, spans = inline.result()
                if text:
                    blocks.append(
                        Paragraph(index, text, spans=spans, kind=Kind.FOOTNOTE, footnote=label)
                    )
                for alt, image in pictures:
                    alt_text = " ".join(self._clean(alt, index + 1, 0).split())
                    blocks.append(
                        Paragraph(index, alt_text, kind=Kind.IMAGE, image=image, footnote=label)
                    )
                index += 1
        self.rels = body_rels
        return blocks

    # --- paragraphs ------------------------------------------------------------------------

    def _kind(self, p) -> dict[str, Any]:
        ppr = p.find(W + "pPr")
        style_el = ppr.find(W + "pStyle") if ppr is not None else None
        style_id = style_el.get(W + "val") if style_el is not None else None
        chain = self.styles.chain(style_id)
        names = [s.name for s in chain]
        for name in names:
            if name == "title":  # the document's title, above its Heading 1s
                return {"kind": Kind.HEADING, "level": 0}
            if match := _HEADING.match(name):
                return {"kind": Kind.HEADING, "level": min(max(int(match[1]), 1), 6)}
        outline = ppr.find(W + "outlineLvl") if ppr is not None else None
        if outline is None:
            outline = self.styles.first(style_id, W + "outlineLvl")
        level = _number(outline.get(W + "val"), 9, 0, 9) if outline is not None else 9
        if level < 6:
            return {"kind": Kind.HEADING, "level": level + 1}
        # list numbering: the paragraph's own, else its style's
        numbering = [ppr.find(W + "numPr") if ppr is not None else None]
        numbering.append(self.styles.first(style_id, W + "numPr"))
        num_id = _first_value(numbering, "numId")
        if num_id and num_id != "0":
            ilvl = _number(_first_value(numbering, "ilvl"), 0, 0, _MAX_LEVEL)
            ordered, number = self.numbering.item(num_id, ilvl)
            depth = ilvl + 1
            for name in names:
                if match := _LIST_DEPTH.match(name):
                    depth = max(depth, int(match[1]))
            return {"kind": Kind.LIST_ITEM, "depth": depth, "ordered": ordered, "number": number}
        if any(name in _QUOTES for name in names):
            return {"kind": Kind.QUOTE, "quote": 1}
        if any(_CODE_STYLE.search(name) for name in names):
            return {"kind": Kind.CODE}
        return {"kind": Kind.PARAGRAPH}

    def _cell(self, p) -> tuple[Any, tuple[int, int]] | None:
        """(the ``w:tc``, (row, column)) of a paragraph in a table cell."""
        cell = next((a for a in p.iterancestors(W + "tc")), None)
        if cell is None:
            return None
        row = cell.getparent()
        if row not in self._positions:  # each table's rows and cells numbered once
            table = row.getparent()
            rows = (r for r in table if r.tag == W + "tr")
            for row_number, each in enumerate(rows):
                cells = (c for c in each if c.tag == W + "tc")
                self._positions[each] = {c: (row_number, n) for n, c in enumerate(cells)}
        return cell, self._positions[row][cell]

    def read(self) -> tuple[Paragraph, ...]:
        self._positions: dict[Any, dict[Any, tuple[int, int]]] = {}  # w:tr -> w:tc -> place
        body = self.document.element.body
        blocks: list[Paragraph] = []
        paragraphs = [p for p in body.iter(W + "p") if not _in_fallback(p)]
        for _ in body.iter(W + "altChunk"):  # a part Word imports on opening (HTML, RTF)
            self.reading_notes.append(
                ReadingNote(
                    len(paragraphs),
                    SOURCE_UNSUPPORTED,
                    "an embedded document (w:altChunk, which Word imports when it opens the "
                    "file) is not read: open and save the file in Word, then build again",
                    Severity.WARNING,
                )
            )
        last_code = -2  # the number of the last code paragraph read
        code_lines: dict[int, list[str]] = {}  # block index of a code block -> its lines
        cell_blocks: dict[Any, int] = {}  # w:tc -> index of its block in ``blocks``
        cell_texts: dict[Any, InlineText] = {}  # w:tc -> its text so far
        joined_cells: set[Any] = set()  # cells of more than one paragraph: text made at the end
        for index, p in enumerate(paragraphs):
            where = f"{self.path}: paragraph {index + 1}"
            kind = self._kind(p)
            inline, pictures = self.paragraph_text(p, where, index + 1)
            in_cell = self._cell(p)
            if in_cell is not None:
                cell, position = in_cell
                if cell in cell_blocks:  # a cell's later paragraph: its text joins the cell's
                    cell_texts[cell].line_break()
                    cell_texts[cell].extend(inline)
                    joined_cells.add(cell)
                else:
                    cell_texts[cell] = inline
                    text, spans = inline.result()
                    cell_blocks[cell] = len(blocks)
                    blocks.append(
                        Paragraph(index, text, spans=spans, kind=Kind.TABLE_CELL, cell=position)
                    )
            elif kind["kind"] is Kind.CODE:
                code = "".join(inline.parts).rstrip()
                if blocks and blocks[-1].kind is Kind.CODE and last_code == index - 1:
                    # consecutive code paragraphs are one block
                    code_lines[len(blocks) - 1].append(code)
                elif code:
                    code_lines[len(blocks)] = [code]
                    blocks.append(Paragraph(index, code, kind=Kind.CODE))
                last_code = index
                continue
            else:
                text, spans = inline.result()
                if text:
                    blocks.append(Paragraph(index, text, spans=spans, **kind))
            picture_cell = in_cell[1] if in_cell is not None else None
            for alt, image in pictures:
                alt_text = " ".join(self._clean(alt, index + 1, 0).split())
                blocks.append(
                    Paragraph(index, alt_text, kind=Kind.IMAGE, image=image, cell=picture_cell)
                )
        # Joined once, at the end: a block rebuilt at each of its lines costs their square.
        for cell in joined_cells:
            text, spans = cell_texts[cell].result()
            blocks[cell_blocks[cell]] = replace(blocks[cell_blocks[cell]], text=text, spans=spans)
        for at, lines in code_lines.items():
            if len(lines) > 1:
                blocks[at] = replace(blocks[at], text="\n".join(lines))
        return tuple(blocks) + tuple(self.notes(len(paragraphs)))


def _xml_parts(bounded: BoundedZip) -> tuple[dict[str, str], dict[str, str]]:
    """(content type by extension, by part name) from ``[Content_Types].xml``."""
    try:
        data = bounded.read("[Content_Types].xml", MAX_PART_BYTES)
    except KeyError:
        return {}, {}
    root = parse(data, f"{bounded.where}: [Content_Types].xml", _SAVE_AGAIN)
    defaults = {
        (e.get("Extension") or "").lower(): e.get("ContentType") or ""
        for e in root.iter(_CONTENT_TYPES + "Default")
    }
    overrides = {
        (e.get("PartName") or "").lstrip("/").lower(): e.get("ContentType") or ""
        for e in root.iter(_CONTENT_TYPES + "Override")
    }
    return defaults, overrides


def _package(path: Path, data: bytes) -> bytes:
    """The Word package as python-docx may read it (InputError when it may not): every part
    expanded once with limits, every XML part (by name or content type) read by the entity
    rule of ``util.xml_input`` and written again without its DTD when it declared entities, and
    every member stored, so that python-docx's own reads are bounded too (``zipfile.read``
    inflates a member whole, whatever its header says)."""
    out = io.BytesIO()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise zipfile.BadZipFile("two parts with one name")
        advice = f"refused ({_SAVE_AGAIN})"
        bounded = BoundedZip(archive, str(path), MAX_PACKAGE_BYTES, advice=advice)
        defaults, overrides = _xml_parts(bounded)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            for info in infos:
                body = bounded.read(info, MAX_PART_BYTES)
                name = info.filename
                suffix = PurePosixPath(name).suffix.lower()
                kind = overrides.get(name.lower()) or defaults.get(suffix[1:], "")
                if suffix in (".xml", ".rels") or kind.endswith("xml"):
                    root = parse(body, f"{path}: {name}", _SAVE_AGAIN)
                    if declares_dtd(root):  # its entities are expanded in the tree
                        body = etree.tostring(
                            root, xml_declaration=True, encoding="UTF-8", standalone=True
                        )
                copy.writestr(name, body)
    except DAMAGED as exc:
        reason = str(exc).split("\n")[0][:120] or type(exc).__name__
        raise InputError(f"{path}: not a Word document ({reason}); {_SAVE_AGAIN}") from None
    return out.getvalue()


def read(path: Path, data: bytes, name: str, root: Path | None = None) -> Document:
    """A DOCX source's bytes as a Document (no segments yet). It brings its pictures in itself,
    so ``root`` (where other files may be read from) is unused."""
    import docx

    package = _package(path, data)
    try:
        document = docx.Document(io.BytesIO(package))
    except Exception as exc:  # not a Word package, damaged XML: all the same to a user
        reason = str(exc).split("\n")[0][:120] or type(exc).__name__
        raise InputError(f"{path}: not a Word document ({reason}); {_SAVE_AGAIN}") from None
    del package
    reader = _Reader(document, path)
    blocks = reader.read()
    props = document.core_properties
    stamp = props.modified or props.created
    return Document(
        name,
        str(path),
        blocks,
        "utf-8",
        title=(props.title or "").strip() or None,
        author=(props.author or "").strip() or None,
        date=stamp.date().isoformat() if stamp else file_date(path),
        cleaned=tuple(reader.cleaned),
        reading_notes=tuple(
            sorted(reader.reading_notes + reader.unkept_notes(), key=lambda n: n.line)
        ),
    )
