"""Edit a DOCX at the XML level, the way Word writes an editor's work.

python-docx writes plain runs; Word writes tracked changes, content controls, fields, smart tags,
comments, footnotes and merged cells, and online editors drop the document properties. The
import must survive all of that, so the tests build their inputs with this, not with our writer.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS = f'xmlns:w="{W}" xmlns:r="{R}"'
DATE = "2026-11-27T10:00:00Z"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def fragment(xml: str) -> list[etree._Element]:
    """Elements from WordprocessingML written without namespace declarations."""
    return list(etree.fromstring(f"<w:wrap {NS}>{xml}</w:wrap>"))


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def ins(xml: str, ident: int = 101) -> str:
    return f'<w:ins w:id="{ident}" w:author="Editor" w:date="{DATE}">{xml}</w:ins>'


def deleted(text: str, ident: int = 102) -> str:
    return (
        f'<w:del w:id="{ident}" w:author="Editor" w:date="{DATE}">'
        f'<w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>'
    )


class WordDocx:
    def __init__(self, path: Path):
        with zipfile.ZipFile(path) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}
        self.document = etree.fromstring(self.parts["word/document.xml"])

    # --- finding --------------------------------------------------------------------------

    def rows(self) -> list[etree._Element]:
        return list(self.document.iter(w("tr")))

    def row(self, sid: str) -> etree._Element:
        for tr in self.rows():
            cells = tr.findall(w("tc"))
            first = cells[0].find(w("p")) if cells else None  # the ID (its kind is under it)
            if first is not None and "".join(first.itertext()).strip() == sid:
                return tr
        raise KeyError(sid)

    def cell(self, sid: str, column: int) -> etree._Element:
        return self.row(sid).findall(w("tc"))[column]

    def text(self, sid: str, column: int) -> str:
        return "".join(t.text or "" for t in self.cell(sid, column).iter(w("t")))

    # --- editing cells --------------------------------------------------------------------

    def set_cell(self, sid: str, column: int, *paragraphs: str) -> None:
        """Replace a cell's paragraphs with ``paragraphs`` (the inner XML of each w:p)."""
        cell = self.cell(sid, column)
        for p in cell.findall(w("p")):
            cell.remove(p)
        for inner in paragraphs:
            cell.append(fragment(f"<w:p>{inner}</w:p>")[0])

    def append_paragraph(self, sid: str, column: int, inner: str) -> None:
        """Type a new paragraph at the end of a cell (Enter, then text)."""
        self.cell(sid, column).append(fragment(f"<w:p>{inner}</w:p>")[0])

    def replace_in_cell(self, sid: str, column: int, make) -> None:
        """``make(old_text) -> inner XML`` of the cell's single new paragraph."""
        self.set_cell(sid, column, make(self.text(sid, column)))

    def merge_right(self, sid: str, column: int) -> None:
        """Merge a cell with the next one (Word: Table > Merge Cells)."""
        cells = self.row(sid).findall(w("tc"))
        first, second = cells[column], cells[column + 1]
        props = first.find(w("tcPr"))
        span = etree.SubElement(props, w("gridSpan"))
        span.set(w("val"), "2")
        for p in second.findall(w("p")):
            first.append(p)
        second.getparent().remove(second)

    def merge_down(self, top: str, bottom: str, column: int) -> None:
        for sid, value in ((top, "restart"), (bottom, None)):
            props = self.cell(sid, column).find(w("tcPr"))
            merge = etree.SubElement(props, w("vMerge"))
            if value:
                merge.set(w("val"), value)
        below = self.cell(bottom, column)
        for p in below.findall(w("p")):
            below.remove(p)
        below.append(fragment("<w:p/>")[0])

    def _props(self, cell: etree._Element) -> etree._Element:
        props = cell.find(w("tcPr"))
        if props is None:
            props = etree.Element(w("tcPr"))
            cell.insert(0, props)
        return props

    def split_side_by_side(self, sid: str, column: int, right: str = "") -> None:
        """Table > Split Cells, 2 columns, on one cell, as Word saves it: the grid gets one more
        column, that column's cell in every other row spans two grid columns (``gridSpan``), and
        the row has two half-width cells (``right``: text typed into the new one)."""
        table = self.document.find(f".//{w('tbl')}")
        grid = table.find(w("tblGrid"))
        old = grid.findall(w("gridCol"))[column]
        half = str(int(old.get(w("w"), "2000")) // 2)
        old.set(w("w"), half)
        old.addnext(fragment(f'<w:gridCol w:w="{half}"/>')[0])
        target = self.cell(sid, column)
        for tr in table.findall(w("tr")):
            cell = tr.findall(w("tc"))[column]
            if cell is not target:
                span = etree.SubElement(self._props(cell), w("gridSpan"))
                span.set(w("val"), "2")
        for width in self._props(target).iter(w("tcW")):
            width.set(w("w"), half)
        new = fragment(
            f'<w:tc><w:tcPr><w:tcW w:w="{half}" w:type="dxa"/></w:tcPr><w:p>'
            f"{run(right) if right else ''}</w:p></w:tc>"
        )[0]
        target.addnext(new)

    def split_one_above_the_other(self, sid: str, column: int) -> None:
        """Table > Split Cells, 1 column 2 rows, on one cell, as Word saves it: a new row below
        whose other cells continue the row's (``vMerge``), with an empty cell of its own."""
        tr = self.row(sid)
        below = etree.fromstring(etree.tostring(tr))
        for index, (cell, new) in enumerate(
            zip(tr.findall(w("tc")), below.findall(w("tc")), strict=True)
        ):
            for p in new.findall(w("p")):
                new.remove(p)
            new.append(fragment("<w:p/>")[0])
            if index != column:
                etree.SubElement(self._props(cell), w("vMerge")).set(w("val"), "restart")
                etree.SubElement(self._props(new), w("vMerge"))
        tr.addnext(below)

    def delete_cell_shifting_left(self, sid: str, column: int) -> None:
        """Delete one cell, shift cells left: the row is one cell short (``gridAfter``)."""
        tr = self.row(sid)
        cell = tr.findall(w("tc"))[column]
        tr.remove(cell)
        self._row_props(tr).append(fragment('<w:gridAfter w:val="1"/>')[0])

    def remove_first_cell(self, sid: str) -> None:
        """The ID cell gone and the row starting one grid column in (``gridBefore``)."""
        tr = self.row(sid)
        tr.remove(tr.findall(w("tc"))[0])
        self._row_props(tr).insert(0, fragment('<w:gridBefore w:val="1"/>')[0])

    def insert_row_tracked(self, after: str, english: str) -> None:
        """A row inserted below ``after`` in review mode, as Word saves it: ``w:ins`` in the row
        properties, the English typed as a tracked insertion, the other cells empty."""
        tr = self.row(after)
        new = etree.fromstring(etree.tostring(tr))
        for props in new.findall(w("trPr")):
            new.remove(props)
        props = self._row_props(new)
        props.append(fragment(f'<w:ins w:id="160" w:author="Editor" w:date="{DATE}"/>')[0])
        for index, cell in enumerate(new.findall(w("tc"))):
            for p in cell.findall(w("p")):
                cell.remove(p)
            cell.append(fragment(f"<w:p>{ins(run(english), 161) if index == 2 else ''}</w:p>")[0])
        tr.addnext(new)

    @staticmethod
    def _row_props(tr: etree._Element) -> etree._Element:
        props = tr.find(w("trPr"))
        if props is None:
            props = etree.Element(w("trPr"))
            tr.insert(0, props)
        return props

    def wrap_row_in_content_control(self, sid: str) -> None:
        tr = self.row(sid)
        sdt = fragment('<w:sdt><w:sdtPr><w:id w:val="77"/></w:sdtPr><w:sdtContent/></w:sdt>')[0]
        tr.addprevious(sdt)
        sdt.find(w("sdtContent")).append(tr)

    def reverse_rows(self) -> None:
        """Sort the body rows in reverse order (Word: Table > Sort, header row kept)."""
        table = self.document.find(f".//{w('tbl')}")
        rows = table.findall(w("tr"))
        for tr in rows[1:]:
            table.remove(tr)
        for tr in reversed(rows[1:]):
            table.append(tr)

    def delete_row_tracked(self, sid: str) -> None:
        tr = self.row(sid)
        props = tr.find(w("trPr"))
        if props is None:
            props = etree.SubElement(tr, w("trPr"))
            tr.insert(0, props)
        props.append(fragment(f'<w:del w:id="150" w:author="Editor" w:date="{DATE}"/>')[0])

    # --- comments, footnotes --------------------------------------------------------------

    def _relate(self, kind: str, target: str, content_type: str) -> str:
        rels_name = "word/_rels/document.xml.rels"
        rels = etree.fromstring(self.parts[rels_name])
        ident = f"rIdT{len(rels)}"
        rel = etree.SubElement(rels, f"{{{PKG_REL}}}Relationship")
        rel.set("Id", ident)
        rel.set("Type", f"{R}/{kind}")
        rel.set("Target", target)
        self.parts[rels_name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
        types = etree.fromstring(self.parts["[Content_Types].xml"])
        override = etree.SubElement(types, f"{{{CT}}}Override")
        override.set("PartName", f"/word/{target}")
        override.set("ContentType", content_type)
        self.parts["[Content_Types].xml"] = etree.tostring(
            types, xml_declaration=True, encoding="UTF-8"
        )
        return ident

    def comment(self, sid: str, column: int, author: str, text: str, ident: int = 0) -> None:
        """A comment anchored on the cell's text, as Word stores it."""
        name = "word/comments.xml"
        if name not in self.parts:
            self._relate(
                "comments",
                "comments.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
            )
            self.parts[name] = f"<w:comments {NS}/>".encode()
        comments = etree.fromstring(self.parts[name])
        comments.append(
            fragment(
                f'<w:comment w:id="{ident}" w:author="{author}" w:date="{DATE}" w:initials="E">'
                f"<w:p><w:r><w:annotationRef/></w:r>{run(text)}</w:p></w:comment>"
            )[0]
        )
        self.parts[name] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8")
        paragraph = self.cell(sid, column).find(w("p"))
        paragraph.insert(0, fragment(f'<w:commentRangeStart w:id="{ident}"/>')[0])
        for element in fragment(
            f'<w:commentRangeEnd w:id="{ident}"/>'
            f'<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
            f'<w:commentReference w:id="{ident}"/></w:r>'
        ):
            paragraph.append(element)

    def footnote(self, sid: str, column: int, text: str, ident: int = 1) -> None:
        name = "word/footnotes.xml"
        if name not in self.parts:
            self._relate(
                "footnotes",
                "footnotes.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
            )
            self.parts[name] = (
                f'<w:footnotes {NS}><w:footnote w:type="separator" w:id="-1"><w:p><w:r>'
                '<w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator"'
                ' w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
                "</w:footnotes>"
            ).encode()
        notes = etree.fromstring(self.parts[name])
        notes.append(
            fragment(
                f'<w:footnote w:id="{ident}"><w:p><w:r><w:footnoteRef/></w:r>{run(" " + text)}'
                "</w:p></w:footnote>"
            )[0]
        )
        self.parts[name] = etree.tostring(notes, xml_declaration=True, encoding="UTF-8")
        paragraph = self.cell(sid, column).find(w("p"))
        paragraph.append(
            fragment(
                '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteReference w:id="{ident}"/></w:r>'
            )[0]
        )

    # --- what office software and online editors drop -------------------------------------

    def strip_properties(self) -> None:
        """No core or custom properties, no custom XML: a stripped export."""
        for name in list(self.parts):
            if name.startswith(("docProps/", "customXml/")):
                del self.parts[name]
        rels = etree.fromstring(self.parts["_rels/.rels"])
        for rel in list(rels):
            if "properties" in (rel.get("Type") or ""):
                rels.remove(rel)
        self.parts["_rels/.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
        doc_rels = etree.fromstring(self.parts["word/_rels/document.xml.rels"])
        for rel in list(doc_rels):
            if (rel.get("Type") or "").endswith("/customXml"):
                doc_rels.remove(rel)
        self.parts["word/_rels/document.xml.rels"] = etree.tostring(
            doc_rels, xml_declaration=True, encoding="UTF-8"
        )
        types = etree.fromstring(self.parts["[Content_Types].xml"])
        for override in list(types):
            part = (override.get("PartName") or "").lstrip("/")
            if override.get("PartName") and part not in self.parts:
                types.remove(override)
        self.parts["[Content_Types].xml"] = etree.tostring(
            types, xml_declaration=True, encoding="UTF-8"
        )

    def strip_visible_identity(self) -> None:
        """The editor deleted the lines above the table."""
        body = self.document.find(w("body"))
        for p in body.findall(w("p"))[:3]:
            body.remove(p)

    def save(self, path: Path) -> Path:
        self.parts["word/document.xml"] = etree.tostring(
            self.document, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.parts.items():
                archive.writestr(name, data)
        return path
