"""The editors' DOCX: a header naming the edition, then one table (ID | Chinese | English | Notes).

Built for Word and LibreOffice alike: A4 (or Letter) landscape; column widths written into the
table grid (LibreOffice reads only the grid) and the cells (Word); a fixed layout inside the
margins; rows never split across pages; the header row repeated on every page. Chinese runs carry
an East Asian font and language, the English en-US, so both render and proof-read.

The edition's identity travels in four places, because office software drops some: the core
properties, a custom document property, a custom XML part that also holds every row's base (the
English this file was built with) and the visible header line.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from bilingual.document import Document
from bilingual.document.editions import Edition, EditionTable, edition_table, header
from bilingual.writers import WriteOptions

PAPER_CM = {"a4": (29.7, 21.0), "letter": (27.94, 21.59)}  # landscape width, height
MARGIN_CM = 1.5
COLUMN_SHARES = (2.2, 9.0, 9.0, 5.5)  # ID, Chinese, English, Notes
TWIPS_PER_CM = 1440 / 2.54
PROPERTY_LIMIT = 255  # characters python-docx (and Word's UI) allow in a core property

BASE_NAMESPACE = "urn:bilingual:edition:1"
CUSTOM_PROPERTY = "bilingual.edition"
_CUSTOM_XML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
_CUSTOM_PROPS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_CUSTOM_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_ITEM_PROPS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
)
_ITEM_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_ITEM_GUID = "{6C1E3B5A-2F0D-4E8B-9A47-B11A6E2D0001}"


def column_widths_twips(paper: str) -> list[int]:
    """The four column widths, filling the text width of the landscape page exactly."""
    width = PAPER_CM[paper][0] - 2 * MARGIN_CM
    total = sum(COLUMN_SHARES)
    return [int(width * share / total * TWIPS_PER_CM) for share in COLUMN_SHARES]


def _clip(text: str, limit: int = PROPERTY_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _set_language(rpr, *, east_asian_font: str, east_asian_lang: str, lang: str = "en-US") -> None:
    """Mark run properties ``rpr``: Latin text is ``lang``, East Asian text the given font/lang."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), east_asian_font)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), lang)
    lang_el.set(qn("w:eastAsia"), east_asian_lang)


def _row_flags(row, *, header_row: bool) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header_row:
        flag = OxmlElement("w:tblHeader")
        flag.set(qn("w:val"), "true")
        tr_pr.append(flag)


def _fix_table_geometry(table, widths: list[int]) -> None:
    """Widths in the grid, the table and every cell, no indent beyond the margin. (The fixed
    layout is ``table.autofit = False``, which puts ``w:tblLayout`` where the schema wants it.)"""
    from docx.oxml.ns import qn
    from docx.shared import Twips

    tbl = table._tbl
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width))
    tbl_w = tbl.tblPr.find(qn("w:tblW"))  # python-docx writes one into every new table
    tbl_w.set(qn("w:w"), str(sum(widths)))
    tbl_w.set(qn("w:type"), "dxa")
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Twips(width)


def _base_xml(table: EditionTable) -> bytes:
    """The custom XML part: the identity and, per row, what this file was built with."""
    rows = []
    for row in table.rows:
        memory = "" if row.memory is None else f"<memory>{escape(row.memory)}</memory>"
        rows.append(
            f"<row id={quoteattr(row.id)}><source>{escape(row.source)}</source>"
            f"<chinese>{escape(row.chinese)}</chinese><english>{escape(row.english)}</english>"
            f"{memory}<notes>{escape(row.notes)}</notes></row>"
        )
    opencc = "" if table.opencc is None else f" opencc={quoteattr(table.opencc)}"
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<edition xmlns={quoteattr(BASE_NAMESPACE)} identity={quoteattr(table.identity)}"
        f" name={quoteattr(table.name)} code={quoteattr(table.edition.code)}"
        f" model={quoteattr(table.model)}{opencc}>{''.join(rows)}</edition>"
    )
    return xml.encode("utf-8")


def _item_props_xml() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<ds:datastoreItem ds:itemID="{_ITEM_GUID}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{BASE_NAMESPACE}"/></ds:schemaRefs>'
        "</ds:datastoreItem>"
    ).encode()


def _custom_props_xml(identity: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
        f"name={quoteattr(CUSTOM_PROPERTY)}><vt:lpwstr>{escape(identity)}</vt:lpwstr></property>"
        "</Properties>"
    ).encode()


def _add_identity_parts(out, table: EditionTable) -> None:
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    package = out.part.package
    item_name = package.next_partname("/customXml/item%d.xml")
    number = item_name.idx
    item = Part(item_name, "application/xml", _base_xml(table), package)
    props = Part(
        PackURI(f"/customXml/itemProps{number}.xml"), _ITEM_PROPS_TYPE, _item_props_xml(), package
    )
    item.relate_to(props, _ITEM_PROPS_REL)
    out.part.relate_to(item, _CUSTOM_XML_REL)
    custom = Part(
        PackURI("/docProps/custom.xml"),
        _CUSTOM_PROPS_TYPE,
        _custom_props_xml(table.identity),
        package,
    )
    package.relate_to(custom, _CUSTOM_PROPS_REL)


def _core_properties(out, table: EditionTable, document: Document, language: str) -> None:
    props = out.core_properties
    props.title = _clip(table.title)
    props.subject = _clip(
        f"{table.edition.code} + English bilingual edition of {Path(table.source_path).name}"
    )
    props.identifier = _clip(table.identity)
    props.keywords = _clip(
        f"source={table.source_path}; model={table.model}; opencc={table.opencc or '-'}"
    )
    props.comments = _clip(
        f"Source: {table.source_path} ({document.encoding}). Model: {table.model}. "
        f"Traditional conversion: OpenCC {table.opencc or '-'}."
    )
    props.language = language
    props.author = "bilingual"


def header_line(table: EditionTable) -> str:
    """The visible line under the title that names the edition (and carries its identity)."""
    opencc = f" · OpenCC {table.opencc}" if table.opencc else ""
    return (
        f"{table.edition.column} + English · edition {table.identity} · model {table.model}"
        f"{opencc} · source {Path(table.source_path).name}"
    )


INSTRUCTIONS = (
    "Correct the English column; add remarks in Notes or as comments. Keep the ID and Chinese "
    "columns and the line above as they are; rows may be sorted. Return this file as .docx."
)


def write(document: Document, edition: Edition, path: Path, options: WriteOptions) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    table_data = edition_table(document, edition)
    chinese_lang = edition.language(document)
    out = docx.Document()
    section = out.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    page_width, page_height = PAPER_CM[options.paper]
    section.page_width, section.page_height = Cm(page_width), Cm(page_height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    normal = out.styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_language(
        normal.element.get_or_add_rPr(), east_asian_font=edition.font, east_asian_lang=chinese_lang
    )
    _core_properties(out, table_data, document, chinese_lang)
    _add_identity_parts(out, table_data)

    title = out.add_paragraph()
    title_run = title.add_run(table_data.title)
    title_run.bold = True
    title_run.font.size = Pt(14)
    for text in (header_line(table_data), INSTRUCTIONS):
        line = out.add_paragraph().add_run(text)
        line.font.size = Pt(8)
        line.font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    widths = column_widths_twips(options.paper)
    table = out.add_table(rows=1 + len(table_data.rows), cols=4)
    table.style = "Table Grid"
    table.autofit = False
    rows = table.rows
    for cell, title_text in zip(rows[0].cells, header(edition), strict=True):
        cell.text = title_text
        cell.paragraphs[0].runs[0].bold = True
    _row_flags(rows[0], header_row=True)
    for row, data in zip(rows[1:], table_data.rows, strict=True):
        _row_flags(row, header_row=False)
        values = (data.id, data.chinese, data.english, data.notes)
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            run = cell.paragraphs[0].add_run(value)
            if column == 1:
                _set_language(
                    run._r.get_or_add_rPr(),
                    east_asian_font=edition.font,
                    east_asian_lang=chinese_lang,
                )
            elif column == 3:
                run.font.size = Pt(8.5)
    _fix_table_geometry(table, widths)
    out.save(str(path))
