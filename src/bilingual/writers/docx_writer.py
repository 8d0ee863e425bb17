"""The editors' DOCX: one table, a header row, one row per segment (ID | Chinese | English | Notes).

Chinese runs carry an East Asian font and language so Word renders and proof-reads them; the
English carries en-US. The core properties name the source file, the edition and the model.
"""

from __future__ import annotations

from pathlib import Path

from bilingual.document import Document
from bilingual.editions import Edition, header, notes
from bilingual.writers import WriteOptions

WIDTHS_CM = (2.2, 9.0, 9.0, 5.5)


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


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def write(document: Document, edition: Edition, path: Path, options: WriteOptions) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    chinese_lang = edition.language(document)
    out = docx.Document()
    section = out.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    normal = out.styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_language(
        normal.element.get_or_add_rPr(), east_asian_font=edition.font, east_asian_lang=chinese_lang
    )

    props = out.core_properties
    model = f"{document.model.name} {document.model.version}" if document.model else "none"
    props.title = document.paragraphs[0].text if document.paragraphs else document.name
    props.subject = (
        f"{edition.code} + English bilingual edition of {Path(document.source_path).name}"
    )
    props.identifier = f"bilingual:{document.name}:{edition.code}"
    runtime = f"{document.model.device}/{document.model.compute_type}" if document.model else "-"
    props.keywords = (
        f"source={document.source_path}; model={model}; runtime={runtime}; "
        f"opencc={document.traditional_config or '-'}"
    )
    props.comments = (
        f"Source: {document.source_path} ({document.encoding}). Model: {model}. "
        f"Traditional conversion: OpenCC {document.traditional_config or '-'}."
    )
    props.language = chinese_lang
    props.author = "bilingual"

    segments = document.segments
    table = out.add_table(rows=1 + len(segments), cols=4)
    table.style = "Table Grid"
    table.autofit = False
    rows = table.rows
    for cell, title in zip(rows[0].cells, header(edition), strict=True):
        cell.text = title
        cell.paragraphs[0].runs[0].bold = True
    _repeat_header(rows[0])
    for row, segment in zip(rows[1:], segments, strict=True):
        cells = row.cells
        values = (segment.id, edition.chinese(segment), segment.english or "", notes(segment))
        for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
            run = cell.paragraphs[0].add_run(value)
            if column == 1:
                _set_language(
                    run._r.get_or_add_rPr(),
                    east_asian_font=edition.font,
                    east_asian_lang=chinese_lang,
                )
            elif column == 3:
                run.font.size = Pt(8.5)
    for row in rows:
        for cell, width in zip(row.cells, WIDTHS_CM, strict=True):
            cell.width = Cm(width)
    out.save(str(path))
