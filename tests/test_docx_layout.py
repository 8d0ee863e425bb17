"""The editors' DOCX as Word and LibreOffice lay it out: paper, grid widths inside the margins,
rows kept whole, a glossary note once, and readable permissions. Rendered with LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO, Project, libreoffice

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
