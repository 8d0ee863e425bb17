"""An editor's table as LibreOffice and Word save it after changing its shape: rows are read by
their cells' grid positions, so only the rows whose cells do not fit the four columns are
refused, and a row is named by its ID or its number, never by invisible text in a cell."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from word_xml import W, WordDocx, fragment, run

from conftest import Project

NAME = "zhou-hongyi-on-sora"
HANS = f"dist/{NAME}.zh-Hans_en.docx"
OTHER = "Zhou Hongyi said AI will not overturn every industry so fast."


@pytest.fixture
def built(project) -> Project:
    result = project.run("build", "--outputs", "docx")
    assert result.code == 0, result.err
    return project


def imported(project: Project, path: str, code: int) -> str:
    result = project.run("import", path)
    assert result.code == code, result.out + result.err
    assert "Traceback" not in result.err
    return result.out + result.err


def memory(project: Project) -> dict[str, str]:
    lines = (project.root / "tm" / "memory.jsonl").read_text(encoding="utf-8").splitlines()
    return {e["id"]: e["english"] for e in map(json.loads, lines)}


def grid_columns(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    grid = re.search(r"<w:tblGrid>(.*?)</w:tblGrid>", xml)
    assert grid is not None and W in xml
    return grid.group(1).count("<w:gridCol")


def libreoffice_edit(project: Project, tmp_path: Path, out: str, *args: str) -> Path:
    python = shutil.which("python3", path="/usr/bin")
    if python is None or subprocess.run([python, "-c", "import uno"]).returncode != 0:
        pytest.skip("LibreOffice's Python bridge is not installed: apt-get install python3-uno")
    source = tmp_path / "lo" / f"{NAME}.zh-Hans_en.docx"
    source.parent.mkdir()
    shutil.copy(project.root / HANS, source)  # a folder of its own: LibreOffice's lock files
    edited = project.root / out
    script = Path(__file__).parent / "libreoffice_edit.py"
    subprocess.run(
        [python, str(script), str(source), str(edited), *args],
        check=True,
        timeout=240,
        capture_output=True,
    )
    return edited


# --- LibreOffice, through its own API -------------------------------------------------------------


def test_a_cell_split_side_by_side_in_libreoffice_refuses_that_row_only(built, tmp_path):
    edited = libreoffice_edit(
        built, tmp_path, "split.docx", "--split", "p003.s01", "--track", f"p004.s01={OTHER}"
    )
    assert grid_columns(edited) == 5  # LibreOffice widened the grid: gridSpan=2 elsewhere
    out = imported(built, "split.docx", code=2)
    assert "p003.s01: its English cell is split in two side by side" in out
    assert "1 edited, 46 unchanged, 1 refused" in out
    assert memory(built) == {"p004.s01": OTHER}


def test_a_cell_split_one_above_the_other_in_libreoffice_is_one_refused_row(built, tmp_path):
    libreoffice_edit(
        built, tmp_path, "split.docx", "--split-above", "p003.s01", "--track", f"p004.s01={OTHER}"
    )
    out = imported(built, "split.docx", code=2)
    assert "p003.s01: its English cell is split in two, one above the other (rows 5-6)" in out
    assert "1 edited, 46 unchanged, 1 refused" in out
    assert memory(built) == {"p004.s01": OTHER}


def test_a_row_inserted_in_review_mode_in_libreoffice_is_named_by_its_number(built, tmp_path):
    edited = libreoffice_edit(
        built,
        tmp_path,
        "inserted.docx",
        "--insert-after",
        "p003.s01=A sentence the editor added.",
        "--track",
        f"p004.s01={OTHER}",
    )
    with zipfile.ZipFile(edited) as archive:
        assert "\u200d" in archive.read("word/document.xml").decode("utf-8")  # as LO writes it
    out = imported(built, "inserted.docx", code=2)
    assert "inserted.docx: row 6: no such row in this edition" in out
    assert "\u200d" not in out
    assert "1 edited, 47 unchanged, 1 refused" in out
    assert memory(built) == {"p004.s01": OTHER}


# --- Word's XML --------------------------------------------------------------------------------


def _row_number(doc: WordDocx, sid: str) -> int:
    return next(i for i, tr in enumerate(doc.rows(), start=1) if tr is doc.row(sid))


def test_rows_whose_cells_do_not_fit_the_columns_are_refused_one_by_one_as_word_saves_them(
    built,
):
    doc = WordDocx(built.root / HANS)
    doc.set_cell("p004.s01", 2, run(OTHER))
    doc.split_side_by_side("p003.s01", 2, right="the editor's second half")
    doc.split_one_above_the_other("p005.s01", 2)
    doc.delete_cell_shifting_left("p006.s01", 3)  # the Notes cell gone: gridAfter
    doc.insert_row_tracked("p008.s01", "A sentence the editor added.")
    no_id = _row_number(doc, "p007.s01")
    added = _row_number(doc, "p008.s01") + 1
    doc.remove_first_cell("p007.s01")  # the ID cell gone: gridBefore
    doc.save(built.root / "shapes.docx")
    out = imported(built, "shapes.docx", code=2)
    assert "p003.s01: its English cell is split in two side by side" in out
    assert "p005.s01: its English cell is split in two, one above the other" in out
    assert "p006.s01: no Notes cell in this row" in out
    assert f"shapes.docx: row {no_id}: no ID cell in this row" in out
    assert f"shapes.docx: row {added}: no such row in this edition" in out
    assert "1 edited" in out and "5 refused" in out
    assert memory(built) == {"p004.s01": OTHER}


def test_an_invisible_id_is_no_name(built):
    """Whatever invisible characters an ID cell holds, the row is named by its number."""
    doc = WordDocx(built.root / HANS)
    doc.insert_row_tracked("p003.s01", "Added.")
    added = _row_number(doc, "p003.s01") + 1
    cell = doc.rows()[added - 1].findall(f"{{{W}}}tc")[0]
    cell.find(f"{{{W}}}p").append(fragment(run("\u200b\u200d\u2060\ufeff\u00ad"))[0])
    doc.save(built.root / "invisible.docx")
    out = imported(built, "invisible.docx", code=2)
    assert f"invisible.docx: row {added}: no such row in this edition" in out
