"""The editors' DOCX as Word and LibreOffice lay it out: paper, grid widths inside the margins,
rows kept whole, a glossary note once, and readable permissions; and what guides an editor's eye:
rows that need review shaded (grey in print), "Page X of Y", padded cells, columns as wide as
their text, each row's kind under its ID, Latin text in a sans. Rendered with LibreOffice and
read back from the PDF (pdftotext, pdftoppm)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO, SOFFICE, Project, libreoffice, resave_with_libreoffice

NAME = "zhou-hongyi-on-sora"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ARTIFACTS = REPO / "tests" / "artifacts"
MARGIN_TWIPS = round(1.5 / 2.54 * 1440)


def document_xml(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


@pytest.fixture
def built(project) -> Project:
    result = project.run("build")
    assert result.code == 0, result.err
    return project


@pytest.mark.parametrize(("paper", "size"), [("a4", (16838, 11906)), ("letter", (15840, 12240))])
def test_page_and_table_fit_the_paper(project, paper, size):
    args = ["build"] if paper == "a4" else ["build", "--paper", paper]
    assert project.run(*args).code == 0
    root = document_xml(project.dist / f"{NAME}.zh-Hans_en.docx")
    page = root.find(f".//{W}pgSz")
    assert (int(page.get(f"{W}w")), int(page.get(f"{W}h"))) == pytest.approx(size, abs=2)
    assert page.get(f"{W}orient") == "landscape"
    grid = [int(c.get(f"{W}w")) for c in root.iter(f"{W}gridCol")]
    assert len(grid) == 4
    assert sum(grid) == pytest.approx(size[0] - 2 * MARGIN_TWIPS, abs=4)
    table = root.find(f".//{W}tbl")
    assert table.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    rows = table.findall(f"{W}tr")
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    for row in rows:  # every cell's width agrees with the grid (Word reads the cells)
        widths = [int(c.get(f"{W}w")) for c in row.iter(f"{W}tcW")]
        assert widths == grid


def test_table_properties_hold_each_element_once_as_the_schema_requires(built):
    """CT_TblPr is a sequence in which each element may appear once, in order."""
    order = (
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
        "tblDescription"
    ).split()
    for code in ("zh-Hans", "zh-Hant"):
        properties = document_xml(built.dist / f"{NAME}.{code}_en.docx").find(f".//{W}tblPr")
        tags = [etree.QName(child).localname for child in properties]
        assert tags == sorted(set(tags), key=order.index), tags


def test_a_glossary_note_is_shown_once_per_document(built):
    import docx

    for code in ("zh-Hans", "zh-Hant"):
        table = docx.Document(str(built.dist / f"{NAME}.{code}_en.docx")).tables[0]
        notes = [row.cells[3].text for row in table.rows[1:]]
        sora = [n for n in notes if "glossary: Sora = Sora: OpenAI's text-to-video model" in n]
        mentions = sum("Sora" in row.cells[1].text for row in table.rows[1:])
        assert mentions > 1 and len(sora) == 1


def test_libreoffice_renders_the_table_inside_the_margins(built, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    pdf = libreoffice(built.dist / f"{NAME}.zh-Hant_en.docx", tmp_path, "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "841.89 x 595.3" in info and "(A4)" in info  # A4 landscape, in points
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    words = etree.fromstring(html.encode(), etree.HTMLParser(encoding="utf-8")).iter("word")
    right_edge = 841.89 - 1.5 / 2.54 * 72
    found = list(words)
    assert found and max(float(w.get("xmax")) for w in found) <= right_edge + 1
    text = " ".join(w.text or "" for w in found)
    assert "p001.s01" in text and "繁體中文" in text and "Notes" in text
    assert f"bilingual:{NAME}:zh-Hant:" in text  # the identity line is visible
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / "docx")],
        check=False,
    )


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_outputs_and_memory_get_the_users_umask(project, umask, mode):
    def with_umask():
        os.umask(umask)

    assert project.run("build", preexec_fn=with_umask).code == 0
    for path in project.dist.iterdir():
        assert path.stat().st_mode & 0o777 == mode, path
    edited = project.root / "edited.docx"
    shutil.copy(project.dist / f"{NAME}.zh-Hans_en.docx", edited)
    from word_xml import WordDocx, run

    doc = WordDocx(edited)
    doc.set_cell("p003.s01", 2, run("An editor's English."))
    doc.save(edited)
    assert project.run("import", "edited.docx", preexec_fn=with_umask).code == 0
    assert (project.root / "tm" / "memory.jsonl").stat().st_mode & 0o777 == mode


# --- what guides an editor's eye ----------------------------------------------------------------

REFERENCE = REPO / "tests" / "fixtures" / "reference" / "memory.jsonl"
MACHINE_ROWS = ("p003.s02", "p005.s01", "p008.s01")  # left to the (random) model: flagged


@pytest.fixture
def reviewed(project) -> Project:
    """The seed with careful English typed into the memory for every row but MACHINE_ROWS,
    which keep the test model's English and need review."""
    entries = [json.loads(line) for line in REFERENCE.read_text(encoding="utf-8").splitlines()]
    kept = [e for e in entries if NAME in e["origin"] and e["id"] not in MACHINE_ROWS]
    (project.root / "tm").mkdir()
    (project.root / "tm" / "memory.jsonl").write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in kept), encoding="utf-8"
    )
    result = project.run("build")
    assert result.code == 0, result.err
    return project


def body_rows(root: etree._Element) -> list[etree._Element]:
    return root.find(f".//{W}tbl").findall(f"{W}tr")[1:]


def cell_paragraphs(cell: etree._Element) -> list[str]:
    return ["".join(p.itertext()) for p in cell.findall(f"{W}p")]


def luma(rgb: str) -> float:
    """How light a colour prints in black and white (Rec. 601), 0 black to 1 white."""
    red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.299 * red + 0.587 * green + 0.114 * blue


def pdf_words(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """Every word LibreOffice set: (page, x0, y0, x1, y1, text), in points."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True)
    root = etree.fromstring(out.stdout, etree.HTMLParser(encoding="utf-8"))
    return [
        (page, *(float(w.get(k)) for k in ("xmin", "ymin", "xmax", "ymax")), w.text or "")
        for page, element in enumerate(root.iter("page"), start=1)
        for w in element.iter("word")
    ]


def grey_page(pdf: Path, page: int, folder: Path, dpi: int = 72) -> tuple[int, bytes]:
    """Page ``page`` printed in shades of grey: (width, one byte a pixel, 255 white)."""
    prefix = folder / f"grey-{page}"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
        + [str(pdf), str(prefix)],
        check=True,
    )
    data = prefix.with_suffix(".pgm").read_bytes()  # P5 WIDTH HEIGHT 255 then the pixels
    magic, width, height, depth, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and depth == b"255"
    return int(width), pixels[: int(width) * int(height)]


def needs_poppler() -> None:
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftotext, pdftoppm) is not installed")


def test_rows_that_need_review_are_shaded_in_a_colour_that_prints_grey(reviewed, tmp_path):
    from bilingual.writers.docx import REVIEW_FILL

    path = reviewed.dist / f"{NAME}.zh-Hans_en.docx"
    shaded, plain = [], []
    for row in body_rows(document_xml(path)):
        cells = row.findall(f"{W}tc")
        fills = {
            c.find(f"{W}tcPr/{W}shd").get(f"{W}fill")
            for c in cells
            if c.find(f"{W}tcPr/{W}shd") is not None
        }
        row_id = cell_paragraphs(cells[0])[0]
        if "needs review" in "".join(cells[3].itertext()):
            assert fills == {REVIEW_FILL}, row_id  # every cell of the row
            shaded.append(row_id)
        else:
            assert not fills, row_id
            plain.append(row_id)
    assert set(MACHINE_ROWS) <= set(shaded) and len(plain) > 30
    assert 0.7 <= luma(REVIEW_FILL) <= 0.88  # a visible grey in print, black text still reads

    # As printed in black and white: the shaded row's cells grey, the others white.
    needs_poppler()
    pdf = libreoffice(path, tmp_path, "pdf")
    words = pdf_words(pdf)
    for row_id, expected in ((shaded[0], "grey"), (plain[1], "white")):
        page, x0, y0, x1, y1, _ = next(w for w in words if w[5] == row_id)
        width, pixels = grey_page(pdf, page, tmp_path)
        # just right of the ID, inside its cell (the ID column is wider than the ID)
        x, y = round(x1 + 4), round((y0 + y1) / 2)
        shade = pixels[y * width + x]
        assert (150 < shade < 240) if expected == "grey" else shade > 250, (row_id, shade)


@pytest.mark.parametrize(("paper", "size"), [("a4", "(A4)"), ("letter", "(letter)")])
def test_every_page_says_page_x_of_y_in_its_footer(project, tmp_path, paper, size):
    assert project.run("build", "--paper", paper).code == 0
    path = project.dist / f"{NAME}.zh-Hant_en.docx"
    with zipfile.ZipFile(path) as archive:
        footers = [n for n in archive.namelist() if n.startswith("word/footer")]
        assert len(footers) == 1
        footer = etree.fromstring(archive.read(footers[0]))
    codes = [" ".join((t.text or "").split()) for t in footer.iter(f"{W}instrText")]
    assert codes == ["PAGE", "NUMPAGES"]
    assert "Page" in "".join(footer.itertext()) and " of " in "".join(footer.itertext())
    section = document_xml(path).find(f".//{W}sectPr")
    reference = section.find(f"{W}footerReference")
    assert reference is not None and reference.get(f"{W}type") == "default"

    needs_poppler()
    pdf = libreoffice(path, tmp_path, "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert size in info
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert pages > 1
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
        ).stdout
        assert f"繁體中文 + English · {NAME} · Page {page} of {pages}" in text, text[-300:]
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "2", str(pdf)]
        + [str(ARTIFACTS / f"docx-{paper}")],
        check=False,
    )


def test_cells_are_padded_on_every_side(built):
    padding = document_xml(built.dist / f"{NAME}.zh-Hans_en.docx").find(
        f".//{W}tblPr/{W}tblCellMar"
    )
    sides = {etree.QName(side).localname: int(side.get(f"{W}w")) for side in padding}
    assert set(sides) == {"top", "left", "bottom", "right"} and min(sides.values()) >= 40


def test_chinese_and_english_columns_are_as_wide_as_their_text(tmp_path, project):
    """With careful English (the reference translation), English sets ~1.5x as wide as the same
    Chinese; the columns follow, so in LibreOffice's PDF both take about as many lines."""
    entries = [json.loads(line) for line in REFERENCE.read_text(encoding="utf-8").splitlines()]
    (project.root / "tm").mkdir()
    (project.root / "tm" / "memory.jsonl").write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8"
    )
    assert project.run("build").code == 0
    path = project.dist / f"{NAME}.zh-Hans_en.docx"
    grid = [int(c.get(f"{W}w")) for c in document_xml(path).iter(f"{W}gridCol")]
    assert 1.35 <= grid[2] / grid[1] <= 1.7, grid

    needs_poppler()
    pdf = libreoffice(path, tmp_path, "pdf")
    left = MARGIN_TWIPS / 20
    edges = [left + sum(grid[:i]) / 20 for i in range(5)]  # column edges, in points
    lines: dict[int, set] = {1: set(), 2: set()}
    for page, x0, y0, _x1, _y1, _text in pdf_words(pdf):
        column = next((i for i in (1, 2) if edges[i] <= x0 < edges[i + 1]), None)
        if column is not None and y0 > 100:  # the table, below the lines above it
            lines[column].add((page, round(y0)))
    chinese, english = len(lines[1]), len(lines[2])
    assert 0.8 <= chinese / english <= 1.25, (chinese, english)


def test_every_row_names_its_kind_under_its_id_and_the_import_reads_the_id(published, tmp_path):
    from bilingual.document import Kind
    from bilingual.document.editions import KIND_LABELS

    path = published.dist / "structured.zh-Hans_en.docx"
    cells = [row.findall(f"{W}tc")[0] for row in body_rows(document_xml(path))]
    shown = [cell_paragraphs(cell) for cell in cells]
    labels = {lines[1] for lines in shown if len(lines) == 2}
    assert {"heading 1", "heading 2", "list item", "quote", "table cell", "caption"} <= labels
    assert all(len(lines) in (1, 2) and re.fullmatch(r"p\d+\.s\d+", lines[0]) for lines in shown)
    assert any(len(lines) == 1 for lines in shown)  # a plain paragraph has no label
    assert set(KIND_LABELS) >= {Kind.HEADING, Kind.LIST_ITEM, Kind.TABLE_CELL, Kind.IMAGE}
    # The labels in grey small print, so the ID stands out.
    label_run = cells[0].findall(f"{W}p")[1].find(f"{W}r/{W}rPr")
    assert label_run.find(f"{W}color").get(f"{W}val") == "595959"

    # Handed back as built, and as LibreOffice saves it: every row read by its ID.
    copies = [shutil.copy(path, published.root / "as-built.docx")]
    if SOFFICE:
        resaved = resave_with_libreoffice(path, tmp_path, "docx")
        copies.append(shutil.copy(resaved, published.root / "resaved.docx"))
    for copy in copies:
        result = published.run("import", Path(copy).name)
        assert result.code == 0, result.out + result.err
        assert f"0 edited, {len(cells)} unchanged, 0 refused" in result.out, result.out
        assert "footer" not in result.out + result.err  # the build's own footer is not news


def test_text_an_editor_types_in_the_footer_is_reported(built):
    from word_xml import WordDocx, fragment, run

    doc = WordDocx(built.dist / f"{NAME}.zh-Hans_en.docx")
    name = next(n for n in doc.parts if n.startswith("word/footer"))
    footer = etree.fromstring(doc.parts[name])
    footer.append(fragment(f"<w:p>{run('Call Dana')}</w:p>")[0])
    doc.parts[name] = etree.tostring(footer)
    doc.save(built.root / "footer.docx")
    result = built.run("import", "footer.docx")
    assert "text in the page footer1 is not imported" in result.out + result.err
    assert "Call Dana" in result.out + result.err


def test_latin_text_is_set_in_a_sans_named_on_the_document_not_the_themes_serif(built, tmp_path):
    from bilingual.writers.docx import LATIN_FONT

    for code, font in (("zh-Hans", "Microsoft YaHei"), ("zh-Hant", "Microsoft JhengHei")):
        path = built.dist / f"{NAME}.{code}_en.docx"
        with zipfile.ZipFile(path) as archive:
            styles = etree.fromstring(archive.read("word/styles.xml"))
        defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
        normal = styles.find(f"{W}style[@{W}styleId='Normal']/{W}rPr/{W}rFonts")
        for fonts in (defaults, normal):
            assert not [a for a in fonts.attrib if "Theme" in a or "theme" in a]
            assert fonts.get(f"{W}ascii") == fonts.get(f"{W}hAnsi") == LATIN_FONT
            assert fonts.get(f"{W}eastAsia") == font
        for row in body_rows(document_xml(path)):
            chinese = row.findall(f"{W}tc")[1].find(f".//{W}rFonts")
            assert chinese.get(f"{W}ascii") == chinese.get(f"{W}hAnsi") == LATIN_FONT
            assert chinese.get(f"{W}eastAsia") == font and chinese.get(f"{W}hint") == "eastAsia"
    # What LibreOffice sets: no serif anywhere (the theme's Cambria would come out as one).
    pdf = libreoffice(built.dist / f"{NAME}.zh-Hans_en.docx", tmp_path, "pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "Sans" in fonts and "Serif" not in fonts, fonts
