"""The editors' DOCX: a header naming the edition, then one table (ID | Chinese | English | Notes).

Laid out to guide the eye, in Word and LibreOffice alike: A4 (or Letter) landscape; rows that need
review shaded (a light amber that prints as grey); under each ID, the kind of block the row is
(heading, list item, table cell, caption: ``editions.KIND_LABELS``); the Chinese and English
columns as wide as their text needs (the same sentence in English sets ~1.5x as wide as in
Chinese), written into the table grid (LibreOffice reads only the grid) and the cells (Word); cell
padding; rows never split across pages; the header row repeated on every page; "Page X of Y" in
the footer (PAGE and NUMPAGES fields). One type pairing: Latin text in a sans (Arial) everywhere,
Chinese in the edition's sans (Microsoft YaHei / JhengHei), named on the document defaults rather
than taken from the theme (whose Latin font is a serif); Chinese runs carry an East Asian
language, the English en-US, so both render and proof-read.

The edition's identity travels in four places, because office software drops some: the core
properties, a custom document property, a custom XML part that also holds every row's base (the
English this file was built with) and the visible header line.

The same document gives the same bytes: no time of writing anywhere (the core properties' dates
are the document's, which ``SOURCE_DATE_EPOCH`` sets for sources without one), no random IDs,
and the ZIP's entries in a fixed order, all dated alike.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from bilingual.document import Document
from bilingual.document.editions import (
    Edition,
    EditionTable,
    edition_table,
    header,
    kind_label,
)
from bilingual.util.reproducible import day, fixed_zip
from bilingual.writers import WriteOptions

PAPER_CM = {"a4": (29.7, 21.0), "letter": (27.94, 21.59)}  # landscape width, height
MARGIN_CM = 1.5
FOOTER_DISTANCE_CM = 0.6  # from the page's bottom edge to the footer, inside the margin
TWIPS_PER_CM = 1440 / 2.54
PROPERTY_LIMIT = 255  # characters python-docx (and Word's UI) allow in a core property

ID_WIDTH_CM = 2.3  # "p012.s03" at 10.5 pt, and its kind ("table cell") under it
NOTES_SHARE = 0.22  # of the text width
# The same sentence sets about 1.5x as wide in English as in Chinese (measured in LibreOffice's
# PDF of the seed with its reference English); each document's own text decides, within bounds.
ENGLISH_RATIO, ENGLISH_RATIO_BOUNDS = 1.5, (1.0, 2.4)
LATIN_EM = 0.42  # the average width of a Latin character, space included (Arial, prose), in ems

LATIN_FONT = "Arial"
TEXT_PT, NOTES_PT, KIND_PT, SMALL_PT = 10.5, 8.5, 7.5, 8
LINE_HEIGHT = 1.4  # in the table, times the font size
GREY = "595959"  # small print, readable in black and white
REVIEW_FILL = "FFD966"  # light amber; its luma (84%) prints as a light grey
CELL_PADDING_TWIPS = {"top": 57, "left": 85, "bottom": 57, "right": 85}  # 1 mm, 1.5 mm
FIRST_PARTS = ("[Content_Types].xml", "_rels/.rels")  # the ZIP's first entries, then by name

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


def column_widths_twips(paper: str, chinese: float = 0.0, english: float = 0.0) -> list[int]:
    """The four column widths, filling the text width of the landscape page exactly: the ID a
    fixed width, Notes a fixed share, Chinese and English the rest in proportion to the widths
    of their text (``chinese`` and ``english``, in ems; none: the usual 1 : 1.5)."""
    total = round((PAPER_CM[paper][0] - 2 * MARGIN_CM) * TWIPS_PER_CM)
    id_width = round(ID_WIDTH_CM * TWIPS_PER_CM)
    notes = round(total * NOTES_SHARE)
    rest = total - id_width - notes
    low, high = ENGLISH_RATIO_BOUNDS
    ratio = min(max(english / chinese, low), high) if chinese and english else ENGLISH_RATIO
    chinese_width = round(rest / (1 + ratio))
    return [id_width, chinese_width, rest - chinese_width, notes]


def text_ems(text: str) -> float:
    """How wide ``text`` sets, in ems: CJK and full-width characters 1, others ``LATIN_EM``."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else LATIN_EM for c in text)


def _clip(text: str, limit: int = PROPERTY_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _element(tag: str, **attributes: str):
    """A WordprocessingML element with ``w:`` attributes."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _set_fonts(rpr, *, east_asian_font: str, east_asian_lang: str, hint: bool = False) -> None:
    """Run properties ``rpr``: Latin text in ``LATIN_FONT`` (en-US), East Asian text in the given
    font and language, and no theme fonts (they would win over the named ones). ``hint``: the
    characters both scripts share (quotes, dashes) in the East Asian font, as Chinese text wants."""
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    for slot in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{slot}"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian_font)
    if hint:
        fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = _element("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), east_asian_lang)


def _document_defaults(out, edition: Edition, chinese_lang: str) -> None:
    """The fonts, languages and size of all text: the document defaults and the Normal style."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    defaults = out.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    normal = out.styles["Normal"]
    normal.font.size = Pt(TEXT_PT)
    for rpr in (defaults, normal.element.get_or_add_rPr()):
        _set_fonts(rpr, east_asian_font=edition.font, east_asian_lang=chinese_lang)


def _row_flags(row, *, header_row: bool) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(_element("w:cantSplit"))
    if header_row:
        tr_pr.append(_element("w:tblHeader", val="true"))


def _fix_table_geometry(table, widths: list[int]) -> None:
    """Widths in the grid, the table and every cell, no indent beyond the margin, and the cells'
    padding. (The fixed layout is ``table.autofit = False``, which puts ``w:tblLayout`` where
    the schema wants it; the padding, ``w:tblCellMar``, comes right after it.)"""
    from docx.oxml.ns import qn
    from docx.shared import Twips

    tbl = table._tbl
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width))
    tbl_w = tbl.tblPr.find(qn("w:tblW"))  # python-docx writes one into every new table
    tbl_w.set(qn("w:w"), str(sum(widths)))
    tbl_w.set(qn("w:type"), "dxa")
    padding = _element("w:tblCellMar")
    for side, twips in CELL_PADDING_TWIPS.items():
        padding.append(_element(f"w:{side}", w=str(twips), type="dxa"))
    tbl.tblPr.find(qn("w:tblLayout")).addnext(padding)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Twips(width)


def _shade(cell, fill: str) -> None:
    """A cell's background (``w:shd`` after the width, where the schema puts it)."""
    cell._tc.get_or_add_tcPr().append(_element("w:shd", val="clear", color="auto", fill=fill))


def _field(paragraph, instruction: str, shown: str) -> None:
    """A field (PAGE, NUMPAGES) that Word and LibreOffice fill in; ``shown`` until they do."""
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="begin"))
    code = _element("w:instrText")
    code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="separate"))
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="end"))


# The footer as any office software leaves it (with the page numbers it last showed, or none),
# so the import tells it from text an editor typed into a footer.
_FOOTER = re.compile(r"(?:.+ · )?Page\s*\d*\s*of\s*\d*")


def is_build_footer(text: str) -> bool:
    """Whether a footer's text is the one the build writes ("... · Page 3 of 12")."""
    return _FOOTER.fullmatch(" ".join(text.split())) is not None


def footer_prefix(table: EditionTable) -> str:
    return f"{table.edition.column} + English · {table.name} · "


def _footer(section, table: EditionTable) -> None:
    """'繁體中文 + English · NAME · Page 3 of 12', small, centred, on every page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    section.footer_distance = Cm(FOOTER_DISTANCE_CM)
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(footer_prefix(table) + "Page ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES", "1")
    for run in paragraph.runs:
        run.font.size = Pt(SMALL_PT)
        run.font.color.rgb = RGBColor.from_string(GREY)


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
    source = Path(table.source_path).name  # the name, not the path: the same from any folder
    props.subject = _clip(f"{table.edition.code} + English bilingual edition of {source}")
    props.identifier = _clip(table.identity)
    props.keywords = _clip(f"source={source}; model={table.model}; opencc={table.opencc or '-'}")
    props.comments = _clip(
        f"Source: {source} ({document.encoding}). Model: {table.model}. "
        f"Traditional conversion: OpenCC {table.opencc or '-'}."
    )
    props.language = language
    props.author = _clip(document.author or "")  # the article's, never the tool's
    props.created = props.modified = day(document.date)  # the document's, not the time of writing
    props.last_modified_by = ""
    props.revision = 1


def header_line(table: EditionTable) -> str:
    """The visible line under the title that names the edition (and carries its identity)."""
    opencc = f" · OpenCC {table.opencc}" if table.opencc else ""
    return (
        f"{table.edition.column} + English · edition {table.identity} · model {table.model}"
        f"{opencc} · source {Path(table.source_path).name}"
    )


INSTRUCTIONS = (
    "Correct the English column; add remarks in Notes or as comments. Shaded rows need review "
    "(Notes says why); the small line under an ID names the row's kind (heading, list item, "
    "table cell...). Keep the ID and Chinese columns and the line above as they are; rows may "
    "be sorted. Return this file as .docx."
)
# Every instructions line a build ever wrote, so the import knows it in older files too.
INSTRUCTION_LINES = (
    INSTRUCTIONS,
    "Correct the English column; add remarks in Notes or as comments. Keep the ID and Chinese "
    "columns and the line above as they are; rows may be sorted. Return this file as .docx.",
)


def _exact_lines(paragraph, size: float) -> None:
    """Lines of ``LINE_HEIGHT`` times ``size``, whatever the font: Chinese and Latin lines of
    one size then share their baselines across a row (a CJK font's own lines are taller)."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(round(size * LINE_HEIGHT, 1))


def _cell_text(cell, text: str, size: float = TEXT_PT):
    """``text`` as the first paragraph's run of ``cell`` (line breaks kept), that run."""
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    _exact_lines(paragraph, size)
    run = paragraph.add_run(text)
    if size != TEXT_PT:
        run.font.size = Pt(size)
    return run


def _kind_line(cell, label: str) -> None:
    """The row's kind, small and grey, as the ID cell's second paragraph (the import reads the
    first paragraph as the ID, and knows these labels)."""
    from docx.shared import Pt, RGBColor

    paragraph = cell.add_paragraph()
    _exact_lines(paragraph, KIND_PT)
    run = paragraph.add_run(label)
    run.font.size = Pt(KIND_PT)
    run.italic = True
    run.font.color.rgb = RGBColor.from_string(GREY)


def write(document: Document, edition: Edition, path: Path, options: WriteOptions) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    table_data = edition_table(document, edition)
    chinese_lang = edition.language(document)
    kinds = {s.id: kind_label(p) for p in document.paragraphs for s in p.segments}
    review = {s.id for s in document.segments if s.needs_review}
    out = docx.Document()
    section = out.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    page_width, page_height = PAPER_CM[options.paper]
    section.page_width, section.page_height = Cm(page_width), Cm(page_height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    _document_defaults(out, edition, chinese_lang)
    _core_properties(out, table_data, document, chinese_lang)
    _add_identity_parts(out, table_data)
    _footer(section, table_data)

    title = out.add_paragraph()
    title_run = title.add_run(table_data.title)
    title_run.bold = True
    title_run.font.size = Pt(14)
    for text in (header_line(table_data), INSTRUCTIONS):
        line = out.add_paragraph().add_run(text)
        line.font.size = Pt(SMALL_PT)
        line.font.color.rgb = RGBColor.from_string(GREY)

    widths = column_widths_twips(
        options.paper,
        chinese=sum(text_ems(row.chinese) for row in table_data.rows),
        english=sum(text_ems(row.english) for row in table_data.rows),
    )
    table = out.add_table(rows=1 + len(table_data.rows), cols=4)
    table.style = "Table Grid"
    table.autofit = False
    rows = table.rows
    for cell, title_text in zip(rows[0].cells, header(edition), strict=True):
        _cell_text(cell, title_text).bold = True
    _row_flags(rows[0], header_row=True)
    for row, data in zip(rows[1:], table_data.rows, strict=True):
        _row_flags(row, header_row=False)
        id_cell, chinese_cell, english_cell, notes_cell = row.cells
        _cell_text(id_cell, data.id)
        if label := kinds.get(data.id):
            _kind_line(id_cell, label)
        chinese = _cell_text(chinese_cell, data.chinese)
        _set_fonts(
            chinese._r.get_or_add_rPr(),
            east_asian_font=edition.font,
            east_asian_lang=chinese_lang,
            hint=True,
        )
        _cell_text(english_cell, data.english)
        _cell_text(notes_cell, data.notes, NOTES_PT)
    _fix_table_geometry(table, widths)
    for row, data in zip(rows[1:], table_data.rows, strict=True):
        if data.id in review:
            for cell in row.cells:
                _shade(cell, REVIEW_FILL)

    buffer = io.BytesIO()
    out.save(buffer)
    path.write_bytes(fixed_zip(buffer.getvalue(), day(document.date), first=FIRST_PARTS))
