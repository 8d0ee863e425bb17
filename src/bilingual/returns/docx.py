"""An editor's DOCX, as Word, LibreOffice or an online editor saved it, read for the import.

The package is read part by part (zip + lxml, following the relationships) rather than through
python-docx, which refuses files whose core properties LibreOffice or an export wrote in a way it
cannot parse, and whose table API misses rows and cells wrapped in content controls. Parts are
expanded with limits that hold whatever the zip's headers say (``util.zip_input``) and parsed by
the one entity rule of ``util.xml_input``, as the Word sources are.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from lxml import etree

from bilingual.document.editions import (
    EDITIONS,
    Edition,
    EditionRow,
    EditionTable,
    edition_by_code,
    edition_by_column,
    header,
    identity_of,
    parse_identity,
    row_id,
)
from bilingual.errors import InputError
from bilingual.returns import ASK_FOR_DOCX, ReturnedFile, ReturnedRow
from bilingual.returns.word_text import Reading, read_blocks, read_paragraph, w
from bilingual.util.xml_input import parse
from bilingual.util.zip_input import DAMAGED, BoundedZip
from bilingual.writers.docx import (
    BASE_NAMESPACE,
    CUSTOM_PROPERTY,
    INSTRUCTION_LINES,
    is_build_footer,
)

MAX_PART_BYTES = 64 * 1024 * 1024  # an editors' table is a few MB at most; refuse zip bombs
MAX_READ_BYTES = 256 * 1024 * 1024  # every part read, together
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF_TEXT = b"application/vnd.oasis.opendocument.text"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT_REL = "/officeDocument"


def _refuse_other_formats(path: Path, head: bytes) -> None:
    """One clear line for the files editors send that are not a DOCX."""
    if head.startswith(b"{\\rtf"):
        raise InputError(f"{path}: an RTF file, not a DOCX; {ASK_FOR_DOCX}")
    if head.startswith(_OLE_MAGIC):
        import olefile

        try:
            with olefile.OleFileIO(str(path)) as ole:
                encrypted = ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo")
        except Exception:  # olefile raises many kinds of errors on a damaged container
            encrypted = False
        if encrypted:
            raise InputError(
                f"{path}: password-protected; remove the password (Word: File > Info > Protect "
                "Document > Encrypt with Password, clear it) and save it again"
            )
        raise InputError(f"{path}: a Word 97-2003 .doc, not a DOCX; {ASK_FOR_DOCX}")
    if not head.startswith(b"PK"):
        raise InputError(f"{path}: not a Word document (not a DOCX); {ASK_FOR_DOCX}")


class _Package:
    """The parts of an OPC zip, found through its relationships."""

    def __init__(self, path: Path):
        self.path = path
        self._parsed: dict[str, etree._Element | None] = {}
        try:
            self.zip = zipfile.ZipFile(path)
            self.names = set(self.zip.namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise InputError(
                f"{path}: not a readable DOCX ({exc}); save it again as .docx"
            ) from None
        self.bounded = BoundedZip(self.zip, str(path), MAX_READ_BYTES, advice="refused")

    def read(self, name: str) -> bytes | None:
        name = name.lstrip("/")
        if name not in self.names:
            return None
        try:
            return self.bounded.read(name, MAX_PART_BYTES)
        except DAMAGED as exc:
            raise InputError(f"{self.path}: damaged DOCX ({exc}); save it again") from None

    def xml(self, name: str) -> etree._Element | None:
        """A part parsed (once: relationship parts are asked for many times), or None."""
        name = name.lstrip("/")
        if name not in self._parsed:
            data = self.read(name)
            where = f"{self.path}: {name}"
            self._parsed[name] = None if data is None else parse(data, where, "save it again")
        return self._parsed[name]

    def targets(self, source: str, kind: str) -> list[str]:
        """Parts related from ``source`` ("" for the package) by a relationship type ``kind``."""
        folder, name = posixpath.split(source)
        rels = self.xml(posixpath.join(folder, "_rels", f"{name}.rels"))
        if rels is None:
            return []
        found = []
        for rel in rels.iter(f"{{{_REL}}}Relationship"):
            if (rel.get("Type") or "").endswith(kind) and rel.get("TargetMode") != "External":
                target = rel.get("Target") or ""
                found.append(
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
        return found

    def odf(self) -> bool:
        return self.read("mimetype") == _ODF_TEXT


def _text_of(element: etree._Element) -> str:
    return read_blocks(element).value


def _notes_by_id(package: _Package, part: str | None, tag: str, label: str) -> dict[str, str]:
    """Comments, footnotes or endnotes by id: 'comment (Author): text'."""
    root = package.xml(part) if part else None
    if root is None:
        return {}
    found = {}
    for item in root.iter(w(tag)):
        text = " ".join(_text_of(item).split())
        ident = item.get(w("id"))
        if text and ident is not None:
            author = item.get(w("author"))
            found[ident] = f"{label} ({author}): {text}" if author else f"{label}: {text}"
    return found


def _children(element: etree._Element, tag: str) -> list[etree._Element]:
    """``tag`` children, looking through content controls and custom XML wrappers."""
    found = []
    for child in element:
        if child.tag == w(tag):
            found.append(child)
        elif child.tag in (w("sdt"), w("customXml"), w("sdtContent")):
            found.extend(_children(child, tag))
    return found


def _int(element: etree._Element | None, default: int = 1) -> int:
    try:
        return int(element.get(w("val"), default)) if element is not None else default
    except ValueError:
        return default


def _row_deleted(row: etree._Element) -> bool:
    props = row.find(w("trPr"))
    return props is not None and props.find(w("del")) is not None


@dataclass(frozen=True)
class _Cell:
    """A cell where it sits in the table grid: columns ``start`` to ``end`` (exclusive)."""

    element: etree._Element
    start: int
    end: int
    merge: str | None  # w:vMerge: "restart", "continue" (spans rows with the cell above), None


def _grid_cells(row: etree._Element) -> list[_Cell]:
    """A row's cells at their grid positions: after ``w:gridBefore``, each ``w:gridSpan`` wide;
    a legacy ``w:hMerge`` continuation widens the cell on its left."""
    props = row.find(w("trPr"))
    position = max(0, _int(props.find(w("gridBefore")), 0)) if props is not None else 0
    cells: list[_Cell] = []
    for tc in _children(row, "tc"):
        tc_props = tc.find(w("tcPr"))
        span = max(1, _int(tc_props.find(w("gridSpan")))) if tc_props is not None else 1
        h_merge = tc_props.find(w("hMerge")) if tc_props is not None else None
        v_merge = tc_props.find(w("vMerge")) if tc_props is not None else None
        if h_merge is not None and h_merge.get(w("val")) != "restart" and cells:
            cells[-1] = replace(cells[-1], end=cells[-1].end + span)
        else:
            merge = None
            if v_merge is not None:
                merge = "restart" if v_merge.get(w("val")) == "restart" else "continue"
            cells.append(_Cell(tc, position, position + span, merge))
        position += span
    return cells


class _Grid:
    """The table's four columns, as grid ranges, from its header row: a row is read by where its
    cells sit, so a grid LibreOffice widened (a cell split side by side in one row gives every
    other row ``gridSpan=2``) reads as before, and only rows whose cells do not fit the four
    columns are refused."""

    def __init__(self, header_row: etree._Element, names: list[str]):
        self.columns = [(c.start, c.end) for c in _grid_cells(header_row)]
        self.names = names

    def layout(self, cells: list[_Cell]) -> tuple[list[_Cell | None], str | None]:
        """The row's cell in each column, and why the row cannot be read, if it cannot."""
        by_column: list[_Cell | None] = [None] * len(self.columns)
        problem = None
        for cell in cells:
            inside = [
                i for i, (start, end) in enumerate(self.columns)
                if cell.start < end and start < cell.end
            ]  # fmt: skip
            if not inside:
                problem = problem or "a cell outside the four columns; remove it"
                continue
            column = inside[0]
            if len(inside) > 1:
                names = " and ".join(self.names[i] for i in inside)
                problem = problem or (
                    f"merged cells (a cell spans two columns): {names}; split them and import again"
                )
            elif (cell.start, cell.end) != self.columns[column]:
                problem = problem or (
                    f"its {self.names[column]} cell is split in two side by side; merge it back "
                    "(Table > Merge Cells) and import again"
                )
            if by_column[column] is None:
                by_column[column] = cell
        missing = [self.names[i] for i, cell in enumerate(by_column) if cell is None]
        if problem is None and (missing or len(self.columns) != 4):
            problem = (
                f"no {' or '.join(missing) or 'four'} cell in this row (cells missing or "
                "added); restore the four columns"
            )
        return by_column, problem


def _rows(table: etree._Element) -> list[etree._Element]:
    return _children(table, "tr")


def _edition_of(table: etree._Element) -> Edition | None:
    rows = _rows(table)
    if not rows:
        return None
    cells = _children(rows[0], "tc")
    texts = [" ".join(_text_of(c).split()) for c in cells]
    edition = edition_by_column(texts[1]) if len(texts) == 4 else None
    return edition if edition is not None and texts == header(edition) else None


def _embedded_base(package: _Package) -> EditionTable | None:
    """The base this file carries in its custom XML part, if it survived and is intact."""
    for name in sorted(n for n in package.names if n.startswith("customXml/item")):
        root = package.xml(name)
        if root is None or root.tag != f"{{{BASE_NAMESPACE}}}edition":
            continue
        edition = edition_by_code(root.get("code") or "")
        if edition is None:
            continue

        def text(row: etree._Element, tag: str) -> str | None:
            found = row.find(f"{{{BASE_NAMESPACE}}}{tag}")
            return None if found is None else found.text or ""

        rows = tuple(
            EditionRow(
                id=row.get("id") or "",
                source=text(row, "source") or "",
                chinese=text(row, "chinese") or "",
                english=text(row, "english") or "",
                memory=text(row, "memory"),
                notes=text(row, "notes") or "",
            )
            for row in root.iter(f"{{{BASE_NAMESPACE}}}row")
        )
        name_ = root.get("name") or ""
        opencc = root.get("opencc")
        identity = root.get("identity") or ""
        if identity_of(name_, edition, opencc, rows) != identity:
            continue  # damaged or edited by hand: not a base to judge against
        return EditionTable(
            identity=identity,
            name=name_,
            edition=edition,
            title="",
            source_path="",
            model=root.get("model") or "",
            opencc=opencc,
            rows=rows,
        )
    return None


def _custom_property(package: _Package) -> str | None:
    for part in package.targets("", "/custom-properties") or ["docProps/custom.xml"]:
        root = package.xml(part)
        if root is None:
            continue
        for prop in root:
            if prop.get("name") == CUSTOM_PROPERTY:
                return "".join(str(t) for t in prop.itertext())
    return None


def _core_identifier(package: _Package) -> str | None:
    for part in package.targets("", "/core-properties") or ["docProps/core.xml"]:
        root = package.xml(part)
        if root is None:
            continue
        for element in root.iter("{http://purl.org/dc/elements/1.1/}identifier"):
            return element.text
    return None


def _outside(body: etree._Element, table: etree._Element) -> tuple[list[str], list[str]]:
    """(identities in visible lines, other text) of the paragraphs outside the bilingual table.

    The first line above the table is the title the build wrote; any other text there or after
    the table was typed by an editor and is not imported, which the import says.
    """
    identities, other = [], []
    title_seen = False
    before_table = True
    for paragraph in body.iter(w("p"), w("tbl")):
        if paragraph is table:
            before_table = False
        if paragraph.tag != w("p") or any(a is table for a in paragraph.iterancestors(w("tbl"))):
            continue
        text = " ".join(read_paragraph(paragraph).value.split())
        if not text:
            continue
        if parse_identity(text):
            identities.append(text)
        elif before_table and not title_seen:
            title_seen = True
        elif text not in INSTRUCTION_LINES:
            other.append(text)
    return identities, other


def read(path: Path) -> ReturnedFile:
    """An edited DOCX edition, or InputError naming what is wrong and what to do."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    _refuse_other_formats(path, head)
    package = _Package(path)
    if package.odf():
        raise InputError(f"{path}: an OpenDocument .odt, not a DOCX; {ASK_FOR_DOCX}")
    main = next(iter(package.targets("", _DOCUMENT_REL)), "word/document.xml")
    document = package.xml(main)
    body = document.find(w("body")) if document is not None else None
    if body is None:
        raise InputError(f"{path}: not a Word document (no document body); save it as .docx")

    tables = [(t, _edition_of(t)) for t in body.iter(w("tbl"))]
    found = next(((t, e) for t, e in tables if e is not None), None)
    if found is None:
        expected = " | ".join(header(EDITIONS[0]))
        raise InputError(
            f"{path}: not a bilingual edition (no table with the header {expected}, or "
            f"{EDITIONS[1].column}); import the DOCX that `bilingual build` wrote"
        )
    table, edition = found

    embedded = _embedded_base(package)
    identities = [embedded.identity] if embedded else []
    for candidate in (_custom_property(package), _core_identifier(package)):
        if candidate and parse_identity(candidate):
            identities.append(candidate)
    visible, outside = _outside(body, table)
    identities += visible

    comments = _notes_by_id(
        package, next(iter(package.targets(main, "/comments")), None), "comment", "comment"
    )
    footnotes = _notes_by_id(
        package, next(iter(package.targets(main, "/footnotes")), None), "footnote", "footnote"
    )
    endnotes = _notes_by_id(
        package, next(iter(package.targets(main, "/endnotes")), None), "endnote", "endnote"
    )

    rows, anchored = _table_rows(table, comments, footnotes, endnotes)

    notices = [f"{path}: text outside the table is not imported: «{t}»" for t in outside]
    notices += [
        f"{path}: {text} is not anchored in a row of the table; not imported"
        for ident, text in comments.items()
        if ident not in anchored
    ]
    notices += _header_footer_text(package, main, path)
    if embedded is not None and embedded.edition is not edition:
        notices.append(f"{path}: its table is the {edition.code} edition; read as that")
    return ReturnedFile(
        path=path,
        edition=edition,
        identities=tuple(dict.fromkeys(identities)),
        embedded_base=embedded if embedded is not None and embedded.edition is edition else None,
        rows=tuple(rows),
        notices=tuple(notices),
    )


_Row = tuple[int, etree._Element, list[_Cell]]  # 1-based number (header is row 1), row, cells


def _table_rows(
    table: etree._Element,
    comments: dict[str, str],
    footnotes: dict[str, str],
    endnotes: dict[str, str],
) -> tuple[list[ReturnedRow], set[str]]:
    """The table's rows read by their cells' grid positions, and the comment ids anchored in them.

    A table row whose ID cell continues the one above (``w:vMerge``: a cell split one above the
    other) is part of that row, refused with it; any other cell spanning rows refuses its row.
    """
    header, *body = _rows(table)
    grid = _Grid(header, [" ".join(_text_of(c).split()) for c in _children(header, "tc")])
    kept: list[_Row] = [
        (number, row, _grid_cells(row))
        for number, row in enumerate(body, start=2)
        if not _row_deleted(row)  # a tracked row deletion, accepted: the row is gone
    ]
    continued = {
        (above[0], cell.start, cell.end)
        for above, below in zip(kept, kept[1:], strict=False)
        for cell in below[2]
        if cell.merge == "continue"
    }
    groups: list[list[_Row]] = []
    for item in kept:
        id_cell = grid.layout(item[2])[0][0]
        if groups and id_cell is not None and id_cell.merge == "continue":
            groups[-1].append(item)
        else:
            groups.append([item])
    rows: list[ReturnedRow] = []
    anchored: set[str] = set()
    for group in groups:
        number, _, cells = group[0]
        by_column, problem = grid.layout(cells)
        read = {id(c.element): read_blocks(c.element) for _, _, more in group for c in more}
        readings = [read[id(c.element)] if c is not None else Reading() for c in by_column]
        if len(group) > 1:
            split = " and ".join(
                grid.names[i] for i, c in enumerate(by_column) if c is not None and not c.merge
            )
            problem = (
                f"its {split} cell is split in two, one above the other (rows {number}-"
                f"{group[-1][0]}); merge it back (Table > Merge Cells) and import again"
                if split
                else f"its cells span rows {number}-{group[-1][0]}; split them and import again"
            )
        elif problem is None and any(
            c is not None and (c.merge == "continue" or (number, c.start, c.end) in continued)
            for c in by_column
        ):
            problem = "merged cells (a cell spans two rows); split them and import again"
        if problem is None and any(r.nested_table for r in read.values()):
            problem = "a table inside a cell; remove it"
        anchored |= {c for r in read.values() for c in r.comments}
        texts = [r.value for r in readings]
        rows.append(
            ReturnedRow(
                id=row_id(_without_invisible(texts[0])) if texts else "",  # kind line dropped
                chinese=texts[1] if len(texts) > 1 else "",
                english=texts[2] if len(texts) > 2 else "",
                where=f"row {number}",
                notes_cell=texts[3] if len(texts) > 3 else "",
                remarks=_remarks(list(read.values()), comments, footnotes, endnotes),
                tracked=any(r.tracked for r in read.values())
                or any(_row_tracked(row) for _, row, _ in group),
                problem=problem,
            )
        )
    return rows, anchored


def _without_invisible(text: str) -> str:
    """An ID cell as shown: invisible characters (the U+200D LibreOffice puts in the cells of a
    tracked inserted row, zero-width spaces, direction marks) removed; its lines kept."""
    return "".join(c for c in text if c.isprintable() or c.isspace())


def _row_tracked(row: etree._Element) -> bool:
    props = row.find(w("trPr"))
    return props is not None and any(c.tag in (w("ins"), w("del"), w("trPrChange")) for c in props)


def _remarks(
    readings: list[Reading],
    comments: dict[str, str],
    footnotes: dict[str, str],
    endnotes: dict[str, str],
) -> tuple[str, ...]:
    found: list[str] = []
    for reading in readings:
        found += [comments[c] for c in reading.comments if c in comments]
        found += [footnotes[f] for f in reading.footnotes if f in footnotes]
        found += [endnotes[e] for e in reading.endnotes if e in endnotes]
    return tuple(dict.fromkeys(found))


def _header_footer_text(package: _Package, main: str, path: Path) -> list[str]:
    notices = []
    for kind in ("/header", "/footer"):
        for part in package.targets(main, kind):
            root = package.xml(part)
            text = " ".join(_text_of(root).split()) if root is not None else ""
            if text and not (kind == "/footer" and is_build_footer(text)):
                name = PurePosixPath(part).stem
                notices.append(f"{path}: text in the page {name} is not imported: «{text}»")
    return notices
