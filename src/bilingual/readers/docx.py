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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bilingual.document import Cleaned, Document, Image, Kind, Paragraph, SpanKind
from bilingual.document.characters import UNSUPPORTED, replacement
from bilingual.errors import InputError
from bilingual.readers.decode import file_date
from bilingual.readers.images import DocumentImages, embedded_image
from bilingual.readers.inline import InlineText

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
V = "{urn:schemas-microsoft-com:vml}"

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
    """List formats and counters from ``numbering.xml``."""

    element: Any
    counters: dict[tuple[str, int], int] = field(default_factory=dict)

    def _level(self, num_id: str, ilvl: int) -> tuple[bool, int]:
        """(ordered, start) of a list level."""
        if self.element is None:
            return False, 1
        num = self.element.find(f"{W}num[@{W}numId='{num_id}']")
        if num is None:
            return False, 1
        start = None
        override = num.find(f"{W}lvlOverride[@{W}ilvl='{ilvl}']/{W}startOverride")
        if override is not None:
            start = int(override.get(W + "val", "1"))
        abstract_id = num.find(W + "abstractNumId")
        abstract = self.element.find(
            f"{W}abstractNum[@{W}abstractNumId='{abstract_id.get(W + 'val')}']"
            if abstract_id is not None
            else "none"
        )
        level = abstract.find(f"{W}lvl[@{W}ilvl='{ilvl}']") if abstract is not None else None
        if level is None:
            return False, start or 1
        fmt = level.find(W + "numFmt")
        ordered = fmt is not None and fmt.get(W + "val") not in ("bullet", "none")
        level_start = level.find(W + "start")
        if start is None:
            start = int(level_start.get(W + "val", "1")) if level_start is not None else 1
        return ordered, start

    def item(self, num_id: str, ilvl: int) -> tuple[bool, int]:
        """(ordered, number) of the next item at this list and level."""
        ordered, start = self._level(num_id, ilvl)
        for key in [k for k in self.counters if k[0] == num_id and k[1] > ilvl]:
            del self.counters[key]
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
        return kinds

    def _pictures(self, element, where: str) -> list[tuple[str, Image]]:
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
                rid = blip.get(R + "embed") if blip is not None else None
                doc_pr = next(drawing.iter(WP + "docPr"), None)
                alt = (
                    (doc_pr.get("descr") or doc_pr.get("title") or "") if doc_pr is not None else ""
                )
            if not rid or rid not in self.rels or self.rels[rid].is_external:
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
            for child in r:
                tag = child.tag
                if tag == W + "t":
                    pieces.append(child.text or "")
                elif tag == W + "tab":
                    pieces.append(" ")
                elif tag in (W + "br", W + "cr"):
                    if child.get(W + "type") not in ("page", "column"):
                        pieces.append("\n")
                elif tag == W + "noBreakHyphen":
                    pieces.append("-")
                elif tag == W + "sym":
                    code = int(child.get(W + "char", "0"), 16)
                    if code and not 0xF000 <= code <= 0xF0FF:  # symbol-font glyphs have no text
                        pieces.append(chr(code))
                elif tag == W + "fldChar":
                    kind = child.get(W + "fldCharType")
                    if kind == "begin":
                        fields.append({"instr": "", "shown": False})
                    elif kind == "separate" and fields:
                        fields[-1]["shown"] = True
                        fields[-1]["url"] = _field_link(fields[-1]["instr"])
                    elif kind == "end" and fields:
                        fields.pop()
                elif tag == W + "instrText" and fields:
                    fields[-1]["instr"] += child.text or ""
                elif tag in (W + "drawing", W + "pict", MC + "AlternateContent"):
                    pictures.extend(self._pictures(child, where))
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
                    walk(child, self._link(child) or link)
                elif tag == W + "fldSimple":
                    walk(child, _field_link(child.get(W + "instr", "")) or link)
                elif tag == W + "r":
                    run(child, link)
                else:  # w:ins, w:moveTo, w:sdt, w:sdtContent, w:smartTag, w:customXml, ...
                    walk(child, link)

        walk(p, None)
        return text, pictures

    # --- paragraphs ------------------------------------------------------------------------

    def _kind(self, p) -> dict[str, Any]:
        ppr = p.find(W + "pPr")
        style_el = ppr.find(W + "pStyle") if ppr is not None else None
        style_id = style_el.get(W + "val") if style_el is not None else None
        chain = self.styles.chain(style_id)
        names = [s.name for s in chain]
        for name in names:
            if name == "title":
                return {"kind": Kind.HEADING, "level": 1}
            if match := _HEADING.match(name):
                return {"kind": Kind.HEADING, "level": min(max(int(match[1]), 1), 6)}
        outline = ppr.find(W + "outlineLvl") if ppr is not None else None
        if outline is None:
            outline = self.styles.first(style_id, W + "outlineLvl")
        if outline is not None and int(outline.get(W + "val", "9")) < 6:
            return {"kind": Kind.HEADING, "level": int(outline.get(W + "val")) + 1}
        # list numbering: the paragraph's own, else its style's
        numbering = [ppr.find(W + "numPr") if ppr is not None else None]
        numbering.append(self.styles.first(style_id, W + "numPr"))
        num_id = _first_value(numbering, "numId")
        if num_id and num_id != "0":
            ilvl = int(_first_value(numbering, "ilvl") or "0")
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
        return tuple(blocks)


def read(path: Path, data: bytes, name: str) -> Document:
    """A DOCX source's bytes as a Document (no segments yet)."""
    import io

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # not a zip, not a Word package, damaged XML: all the same to a user
        reason = str(exc).split("\n")[0][:120] or type(exc).__name__
        raise InputError(
            f"{path}: not a Word document ({reason}); save it as .docx from Word or LibreOffice"
        ) from None
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
        date=stamp.date().isoformat() if stamp else file_date(path),
        cleaned=tuple(reader.cleaned),
    )
