"""Editors' round trip and incremental builds (an editor edits the DOCX with Word's file format)."""

from __future__ import annotations

import json

import docx
import pytest

from conftest import Project

NAME = "zhou-hongyi-on-sora"
HANS = f"dist/{NAME}.zh-Hans_en.docx"
HANT = f"dist/{NAME}.zh-Hant_en.docx"
EDIT = "Yesterday Zhou Hongyi, chairman of Qihoo 360, wrote on Weibo about OpenAI's Sora."


def edit(project: Project, path: str, changes: dict[str, str], out: str | None = None) -> str:
    """Change English cells by segment ID, as an editor would, and save (to ``out``)."""
    document = docx.Document(str(project.root / path))
    for row in document.tables[0].rows[1:]:
        if row.cells[0].text in changes:
            row.cells[2].text = changes[row.cells[0].text]
    target = out or path
    document.save(str(project.root / target))
    return target


def rows(project: Project, path: str) -> dict[str, list[str]]:
    table = docx.Document(str(project.root / path)).tables[0]
    return {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}


def report(project: Project, *args: str) -> dict:
    result = project.run("build", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)["documents"][NAME]


@pytest.fixture
def built(project) -> Project:
    report(project)
    return project


def test_an_edit_comes_back_and_survives_rebuilds_in_all_four_outputs(built):
    edited = edit(built, HANT, {"p003.s01": EDIT}, out="edited.docx")
    result = built.run("import", edited)
    assert result.code == 0, result.err
    assert "1 edited, 47 unchanged, 0 refused" in result.out
    memory = (built.root / "tm" / "memory.jsonl").read_text(encoding="utf-8").splitlines()
    entry = json.loads(memory[0])
    assert len(memory) == 1 and entry["english"] == EDIT and entry["id"] == "p003.s01"
    assert entry["source"].startswith("昨日,360董事长周鸿祎") and entry["origin"] == "edited.docx"

    counts = report(built)
    assert counts["memory"] == 1 and counts["translated"] == 0
    for path in (HANS, HANT):
        row = rows(built, path)["p003.s01"]
        assert row[2] == EDIT and row[3].startswith("edited")
    for md in ("zh-Hans_en.md", "zh-Hant_en.md"):
        assert EDIT in (built.dist / f"{NAME}.{md}").read_text(encoding="utf-8")
    report(built)  # and again
    assert rows(built, HANS)["p003.s01"][2] == EDIT


def test_importing_the_same_file_twice_changes_nothing(built):
    edit(built, HANS, {"p002.s01": "On February 17, OpenAI released Sora."})
    assert "1 edited" in built.run("import", HANS).out
    before = (built.root / "tm" / "memory.jsonl").read_bytes()
    again = built.run("import", HANS)
    assert again.code == 0 and "0 edited, 48 unchanged, 0 refused" in again.out
    assert (built.root / "tm" / "memory.jsonl").read_bytes() == before


def test_an_editors_dropped_term_is_flagged_not_overwritten(built):
    edit(built, HANS, {"p003.s01": "Yesterday the chairman wrote on Weibo about the model."})
    assert built.run("import", HANS).code == 0
    report(built)
    row = rows(built, HANS)["p003.s01"]
    assert row[2] == "Yesterday the chairman wrote on Weibo about the model."
    assert row[3].startswith("edited, needs review")
    assert '周鸿祎 should read "Zhou Hongyi"' in row[3]


def test_rows_that_no_longer_fit_are_refused_by_id(built):
    document = docx.Document(str(built.root / HANS))
    table = document.tables[0]
    table.rows[3].cells[1].text = "这句话被改过了。"  # Chinese changed
    table.rows[3].cells[2].text = "Changed source."
    table.rows[5].cells[0].text = "p999.s01"  # an added row
    table.rows[7].cells[2].text = "Edited seven."
    table.rows[8].cells[2].text = "Edited eight."
    tbl = table._tbl
    seventh, eighth = tbl.tr_lst[7], tbl.tr_lst[8]
    tbl.remove(seventh)
    eighth.addnext(seventh)  # rows 7 and 8 swapped
    tbl.remove(tbl.tr_lst[10])  # a deleted row
    document.save(str(built.root / "edited.docx"))
    result = built.run("import", "edited.docx")
    assert result.code == 2
    assert "edited.docx: p002.s02: its Chinese no longer matches the source" in result.err
    assert "edited.docx: p999.s01: no such segment in the current source" in result.err
    assert "row out of order" in result.err
    assert "row missing (deleted?)" in result.err
    assert "3 refused" in result.out
    memory = (built.root / "tm" / "memory.jsonl").read_text(encoding="utf-8")
    assert "Changed source." not in memory and "Edited eight." in memory


def test_two_editors_who_disagree_are_not_silently_overwritten(built):
    edit(built, HANS, {"p002.s02": "First editor's English."}, out="first.docx")
    edit(built, HANT, {"p002.s02": "Second editor's English."}, out="second.docx")
    result = built.run("import", "first.docx", "second.docx")
    assert result.code == 2
    assert "second.docx: p002.s02: edited differently in first.docx" in result.err
    assert "1 edited" in result.out and "1 refused" in result.out
    memory = (built.root / "tm" / "memory.jsonl").read_text(encoding="utf-8")
    assert "First editor's English." in memory and "Second editor's" not in memory


def test_a_file_that_is_not_a_bilingual_table_is_refused(built, tmp_path):
    plain = docx.Document()
    plain.add_paragraph("hello")
    plain.save(str(built.root / "plain.docx"))
    (built.root / "fake.docx").write_text("not a docx")
    result = built.run("import", "plain.docx", "fake.docx")
    assert result.code == 2
    assert "plain.docx: no table" in result.err and "fake.docx: not a readable DOCX" in result.err
    assert "Traceback" not in result.err
    assert not (built.root / "tm" / "memory.jsonl").exists()


def test_no_change_rebuild_translates_nothing(built):
    counts = report(built)
    assert counts["translated"] == 0 and counts["cache"] + counts["copied"] == counts["segments"]


def test_a_glossary_edit_retranslates_exactly_the_segments_it_hits(built):
    hits = json.loads(
        built.run("segment", f"seeds/{NAME}.txt", "--glossary", "glossary", "--json").out
    )
    hit_ids = [s["id"] for s in hits["segments"] if any(t["zh"] == "具身智能" for t in s["terms"])]
    assert hit_ids
    glossary = built.root / "glossary" / "concepts.yaml"
    text = glossary.read_text(encoding="utf-8")
    glossary.write_text(
        text.replace("en: embodied intelligence", "en: embodied AI"), encoding="utf-8"
    )
    counts = report(built)
    assert counts["translated"] == len(hit_ids)
    # Reverting the entry costs nothing (its old translations are cached); a new term
    # retranslates only the segments it hits.
    glossary.write_text(
        text + "  - zh: 蛋白质\n    en: protein\n    note: biology\n", encoding="utf-8"
    )
    hits = json.loads(
        built.run("segment", f"seeds/{NAME}.txt", "--glossary", "glossary", "--json").out
    )
    protein = [s["id"] for s in hits["segments"] if any(t["zh"] == "蛋白质" for t in s["terms"])]
    counts = report(built)
    assert protein and set(protein).isdisjoint(hit_ids)
    assert counts["translated"] == len(protein)
