"""Editors' round trip: corrections come back from the files office software really writes, are
judged against each file's own base, and survive every rebuild in all four outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from word_xml import WordDocx, deleted, ins, run

from conftest import Project, resave_with_libreoffice

NAME = "zhou-hongyi-on-sora"
HANS = f"dist/{NAME}.zh-Hans_en.docx"
HANT = f"dist/{NAME}.zh-Hant_en.docx"
EDIT = "Yesterday Zhou Hongyi, chairman of Qihoo 360, wrote on Weibo about OpenAI's Sora."
OTHER = "Zhou Hongyi said AI will not overturn every industry so fast."


def report(project: Project, *args: str) -> dict:
    result = project.run("build", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)["documents"][NAME]


def rows(project: Project, path: str) -> dict[str, list[str]]:
    table = docx.Document(str(project.root / path)).tables[0]
    return {row.cells[0].paragraphs[0].text: [c.text for c in row.cells] for row in table.rows[1:]}


def english_everywhere(project: Project, sid: str) -> list[str]:
    """The English of segment ``sid`` in the two DOCX; and whether each Markdown holds ``it``."""
    return [rows(project, path)[sid][2] for path in (HANS, HANT)]


def in_markdown(project: Project, text: str) -> bool:
    return all(
        text in (project.dist / f"{NAME}.{code}_en.md").read_text(encoding="utf-8")
        for code in ("zh-Hans", "zh-Hant")
    )


def word_edit(project: Project, source: str, out: str, **english: str) -> str:
    """Change English cells (by ID, underscores for dots) as Word writes a plain edit."""
    document = WordDocx(project.root / source)
    for key, text in english.items():
        document.set_cell(key.replace("_", "."), 2, run(text))
    document.save(project.root / out)
    return out


def memory(project: Project) -> dict[str, dict]:
    path = project.root / "tm" / "memory.jsonl"
    if not path.exists():
        return {}
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {e["id"]: e for e in entries}


def imported(project: Project, *files: str, code: int = 0) -> str:
    result = project.run("import", *files)
    assert result.code == code, result.out + result.err
    assert "Traceback" not in result.err
    return result.out + result.err


@pytest.fixture
def built(project) -> Project:
    report(project)
    return project


# --- three-way judgement ------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["hans-first", "hant-first", "one-command"])
def test_two_editors_of_the_two_editions_both_keep_their_corrections(built, order):
    first = word_edit(built, HANS, "alice.docx", p003_s01=EDIT)
    second = word_edit(built, HANT, "bob.docx", p004_s01=OTHER)
    if order == "one-command":
        assert "2 edited, 94 unchanged, 0 refused, 0 conflicts" in imported(built, first, second)
    else:
        files = (first, second) if order == "hans-first" else (second, first)
        assert "1 edited, 47 unchanged" in imported(built, files[0])
        assert "1 edited, 47 unchanged" in imported(built, files[1])
    before = (built.root / "tm" / "memory.jsonl").read_bytes()
    # Any file imported again, in any order, any number of times: nothing changes.
    assert "0 edited, 96 unchanged" in imported(built, second, first)
    assert "0 edited, 48 unchanged" in imported(built, first)
    assert (built.root / "tm" / "memory.jsonl").read_bytes() == before

    counts = report(built)
    assert counts["memory"] == 2 and counts["translated"] == 0
    assert english_everywhere(built, "p003.s01") == [EDIT, EDIT]
    assert english_everywhere(built, "p004.s01") == [OTHER, OTHER]
    assert in_markdown(built, EDIT) and in_markdown(built, OTHER)


def test_a_file_handed_back_after_a_rebuild_does_not_reset_other_corrections(built):
    word_edit(built, HANS, "alice.docx", p003_s01=EDIT)
    assert "1 edited" in imported(built, "alice.docx")
    report(built)
    # Bob got his copy of the new build, corrected another row; Alice's file comes back again.
    word_edit(built, HANT, "bob.docx", p004_s01=OTHER)
    assert "1 edited" in imported(built, "bob.docx")
    assert "0 edited, 48 unchanged" in imported(built, "alice.docx")
    report(built)
    assert english_everywhere(built, "p003.s01") == [EDIT, EDIT]
    assert english_everywhere(built, "p004.s01") == [OTHER, OTHER]


def test_an_edit_of_an_edited_row_in_a_newer_build_replaces_it(built):
    word_edit(built, HANS, "first.docx", p003_s01=EDIT)
    imported(built, "first.docx")
    report(built)
    word_edit(built, HANS, "second.docx", p003_s01=EDIT + " (revised)")
    assert "1 edited" in imported(built, "second.docx")
    assert "0 edited" in imported(built, "first.docx")  # the older file is no longer an edit
    assert memory(built)["p003.s01"]["english"] == EDIT + " (revised)"


def test_two_editors_who_disagree_get_a_conflict_and_nothing_is_overwritten(built):
    word_edit(built, HANS, "alice.docx", p002_s02="Alice's English.")
    word_edit(built, HANT, "bob.docx", p002_s02="Bob's English.")
    assert "1 edited" in imported(built, "alice.docx")
    before = (built.root / "tm" / "memory.jsonl").read_bytes()
    out = imported(built, "bob.docx", code=2)
    assert "bob.docx: p002.s02: conflict: the memory now reads «Alice's English.»" in out
    assert "the file reads «Bob's English.»" in out and "1 conflicts" in out
    assert (built.root / "tm" / "memory.jsonl").read_bytes() == before
    imported(built, "bob.docx", code=2)  # the same answer every time
    assert (built.root / "tm" / "memory.jsonl").read_bytes() == before


def test_a_repeated_sentence_edited_once_is_edited_everywhere_and_never_flips(project):
    seed = project.root / "seeds" / f"{NAME}.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n今天是星期天。\n" * 2, encoding="utf-8")
    report(project)
    repeated = [sid for sid, row in rows(project, HANS).items() if row[1] == "今天是星期天。"]
    assert len(repeated) == 2, repeated
    doc = WordDocx(project.root / HANS)
    doc.set_cell(repeated[0], 2, run("Today is Sunday."))
    doc.save(project.root / "edited.docx")
    assert "1 edited, 49 unchanged" in imported(project, "edited.docx")
    report(project)
    assert [rows(project, HANS)[sid][2] for sid in repeated] == ["Today is Sunday."] * 2
    for _ in range(2):  # no flip-flop however often the file comes back
        assert "0 edited" in imported(project, "edited.docx")
        report(project)
        assert [rows(project, HANT)[sid][2] for sid in repeated] == ["Today is Sunday."] * 2


def test_one_sentence_edited_two_ways_in_one_file_is_a_conflict(project):
    seed = project.root / "seeds" / f"{NAME}.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n今天是星期天。\n" * 2, encoding="utf-8")
    report(project)
    repeated = [sid for sid, row in rows(project, HANS).items() if row[1] == "今天是星期天。"]
    doc = WordDocx(project.root / HANS)
    doc.set_cell(repeated[0], 2, run("Today is Sunday."))
    doc.set_cell(repeated[1], 2, run("It is Sunday today."))
    doc.save(project.root / "edited.docx")
    out = imported(project, "edited.docx", code=2)
    assert "edited differently in rows" in out and "2 conflicts" in out
    assert memory(project) == {}


# --- Word's XML: tracked changes, content controls, fields, symbols -----------------------------


def test_tracked_changes_are_read_as_accepted_and_counted(built):
    doc = WordDocx(built.root / HANS)
    old = doc.text("p003.s01", 2)
    doc.set_cell("p003.s01", 2, run(old) + ins(run(" (edited)")))  # insertion only
    doc.set_cell("p004.s01", 2, deleted(doc.text("p004.s01", 2)) + ins(run(OTHER)))  # retyped
    doc.set_cell(
        "p002.s02",
        2,
        '<w:moveFrom w:id="5" w:author="E" w:date="2026-11-27T10:00:00Z">'
        "<w:r><w:delText>Moved away. </w:delText></w:r></w:moveFrom>"
        + run("Kept.")
        + '<w:moveTo w:id="6" w:author="E" w:date="2026-11-27T10:00:00Z">'
        + run(" Moved here.")
        + "</w:moveTo>",
    )
    doc.save(built.root / "tracked.docx")
    out = imported(built, "tracked.docx")
    assert "3 edited, 45 unchanged" in out and "3 rows with tracked changes" in out
    entries = memory(built)
    assert entries["p003.s01"]["english"] == " ".join((old + " (edited)").split())
    assert entries["p004.s01"]["english"] == OTHER
    assert entries["p002.s02"]["english"] == "Kept. Moved here."


def test_tracked_changes_can_be_refused_for_teams_that_review_first(built):
    doc = WordDocx(built.root / HANS)
    doc.set_cell("p003.s01", 2, deleted(doc.text("p003.s01", 2)) + ins(run(EDIT)))
    doc.set_cell("p004.s01", 2, run(OTHER))
    doc.save(built.root / "tracked.docx")
    result = built.run("import", "--tracked-changes", "refuse", "tracked.docx")
    assert result.code == 2
    assert "p003.s01: tracked changes not yet accepted or rejected" in result.err
    assert list(memory(built)) == ["p004.s01"]


def test_text_in_content_controls_fields_smart_tags_and_symbols_is_kept(built):
    doc = WordDocx(built.root / HANS)
    doc.set_cell(
        "p003.s01",
        2,
        run("Sora ") + '<w:sdt><w:sdtPr><w:alias w:val="Product"/><w:id w:val="9"/></w:sdtPr>'
        "<w:sdtContent>"
        + run("turns text into video")
        + "</w:sdtContent></w:sdt>"
        + '<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="place">'
        + run(" in Beijing")
        + "</w:smartTag>"
        + '<w:customXml w:element="note">'
        + run(" at 30")
        + "</w:customXml>"
        + '<w:r><w:sym w:font="Symbol" w:char="F0B0"/></w:r>'
        + run("C on ")
        + '<w:fldSimple w:instr=" DATE \\@ &quot;d MMMM&quot; ">'
        + run("17 February")
        + "</w:fldSimple>"
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://openai.com" '
        "</w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + run(" (OpenAI)")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        + '<w:r><w:t xml:space="preserve">, Wi</w:t><w:noBreakHyphen/><w:t>Fi</w:t>'
        "<w:tab/><w:t>ok</w:t></w:r>"
        + "<w:r><w:rPr><w:vanish/></w:rPr><w:t>HIDDEN</w:t></w:r>"
        + '<w:hyperlink w:anchor="top">'
        + run(" — 100\u00a0km.")
        + "</w:hyperlink>",
    )
    doc.save(built.root / "word.docx")
    assert "1 edited" in imported(built, "word.docx")
    assert memory(built)["p003.s01"]["english"] == (
        "Sora turns text into video in Beijing at 30°C on 17 February (OpenAI), "
        "Wi\u2011Fi ok — 100\u00a0km."  # the tab is a space; no-break characters stay
    )


def test_an_insertion_with_a_paragraph_break_and_a_deleted_mark(built):
    """Enter typed in review mode inserts a paragraph mark (a new line: a space) and a new
    paragraph; a deleted paragraph mark joins two paragraphs into one."""

    def mark(kind: str, ident: int) -> str:
        change = f'<w:{kind} w:id="{ident}" w:author="E" w:date="2026-11-27T10:00:00Z"/>'
        return f"<w:pPr><w:rPr>{change}</w:rPr></w:pPr>"

    doc = WordDocx(built.root / HANS)
    doc.set_cell(
        "p003.s01",
        2,
        mark("del", 7) + run("First half"),
        mark("ins", 8) + run(" joined."),
        ins(run("A new paragraph.")),
    )
    doc.save(built.root / "mark.docx")
    out = imported(built, "mark.docx")
    assert "1 edited, 47 unchanged" in out and "1 rows with tracked changes" in out
    assert memory(built)["p003.s01"]["english"] == "First half joined. A new paragraph."


# --- what office software does to a file --------------------------------------------------------


def test_stripped_properties_and_a_new_name_still_import_only_the_real_edit(built):
    doc = WordDocx(built.root / HANS)
    doc.set_cell("p003.s01", 2, run(EDIT))
    doc.strip_properties()  # Google-Docs-style export: the visible line is all that is left
    doc.save(built.root / f"Copy of {NAME}.zh-Hans_en.docx")
    out = imported(built, f"Copy of {NAME}.zh-Hans_en.docx")
    assert "1 edited, 47 unchanged" in out and "not known to this project" not in out


SPACED = "my article"  # file names people give: spaces and all


def test_an_article_whose_name_has_a_space_is_known_by_its_identity(project):
    seeds = project.root / "seeds"
    (seeds / f"{NAME}.txt").rename(seeds / f"{SPACED}.txt")
    assert project.run("build").code == 0, "build failed"
    edition = f"dist/{SPACED}.zh-Hans_en.docx"
    out = imported(project, edition)  # untouched: its own header line is not an editor's text
    assert "0 edited, 48 unchanged" in out and "text outside the table" not in out
    doc = WordDocx(project.root / edition)
    doc.set_cell("p003.s01", 2, run(EDIT))
    doc.strip_properties()  # only the visible line names the edition
    doc.save(project.root / "returned.docx")  # and its file name says nothing
    out = imported(project, "returned.docx")
    assert "1 edited, 47 unchanged" in out and "not known to this project" not in out


def test_with_every_identity_gone_only_english_never_written_counts_as_edited(built):
    doc = WordDocx(built.root / HANS)
    doc.set_cell("p003.s01", 2, run(EDIT))
    doc.strip_properties()
    doc.strip_visible_identity()
    doc.save(built.root / f"{NAME}.zh-Hans_en (2).docx")
    out = imported(built, f"{NAME}.zh-Hans_en (2).docx")
    assert "1 edited, 47 unchanged" in out and "not known to this project" in out
    assert list(memory(built)) == ["p003.s01"]


def test_a_broken_glossary_stops_only_the_files_that_need_the_source(built):
    word_edit(built, HANS, "alice.docx", p003_s01=EDIT)  # has its base: no glossary needed
    doc = WordDocx(built.root / HANS)
    doc.set_cell("p004.s01", 2, run(OTHER))
    doc.strip_properties()
    doc.strip_visible_identity()  # no base: judged against the source, read with the glossary
    doc.save(built.root / f"{NAME}.zh-Hans_en (2).docx")
    (built.root / "glossary" / "broken.yaml").write_text("terms: [\n", encoding="utf-8")
    out = imported(built, "alice.docx", f"{NAME}.zh-Hans_en (2).docx", code=2)
    assert "glossary/broken.yaml:2: YAML syntax error" in out
    assert "1 edited, 47 unchanged" in out and list(memory(built)) == ["p003.s01"]


def test_the_project_state_lost_falls_back_on_the_base_inside_the_file(built):
    word_edit(built, HANT, "edited.docx", p003_s01=EDIT)
    shutil.rmtree(built.root / ".bilingual")
    assert "1 edited, 47 unchanged" in imported(built, "edited.docx")


@pytest.mark.parametrize("how", ["docx", "ooxml", "odt"])
def test_libreoffice_resaves_keep_the_round_trip(built, tmp_path, how):
    doc = WordDocx(built.root / HANT)
    doc.set_cell("p003.s01", 2, deleted(doc.text("p003.s01", 2)) + ins(run(EDIT)))
    doc.set_cell("p004.s01", 2, run(OTHER))
    doc.comment("p004.s01", 2, "Dana", "Check the quote against the Weibo post.")
    doc.save(tmp_path / f"{NAME}.zh-Hant_en.docx")
    resaved = resave_with_libreoffice(tmp_path / f"{NAME}.zh-Hant_en.docx", tmp_path, how)
    shutil.copy(resaved, built.root / "resaved.docx")
    out = imported(built, "resaved.docx")
    assert "2 edited, 46 unchanged, 0 refused" in out, out
    entries = memory(built)
    assert entries["p003.s01"]["english"] == EDIT and entries["p004.s01"]["english"] == OTHER
    assert any("Check the quote" in note for note in entries["p004.s01"]["notes"])
    assert "0 edited, 48 unchanged" in imported(built, "resaved.docx")


def test_a_sorted_table_and_rows_in_content_controls_are_read_by_id(built):
    doc = WordDocx(built.root / HANS)
    doc.set_cell("p003.s01", 2, run(EDIT))
    doc.reverse_rows()
    doc.wrap_row_in_content_control("p004.s01")
    doc.set_cell("p004.s01", 2, run(OTHER))
    doc.save(built.root / "sorted.docx")
    assert "2 edited, 46 unchanged, 0 refused" in imported(built, "sorted.docx")


# --- refusals -----------------------------------------------------------------------------------


def test_merged_cells_and_changed_rows_are_refused_by_id(built):
    doc = WordDocx(built.root / HANS)
    doc.set_cell("p003.s01", 2, run("Merged English."))
    doc.merge_right("p003.s01", 2)  # English + Notes
    doc.set_cell("p004.s01", 2, run("Top."))
    doc.merge_down("p004.s01", "p004.s02", 2)  # two English cells, one above the other
    doc.set_cell("p002.s02", 1, run("这句话被改过了。"))  # Chinese changed
    doc.set_cell("p002.s02", 2, run("Changed source."))
    doc.set_cell("p005.s01", 0, run("p999.s01"))  # ID changed
    doc.set_cell("p006.s01", 2, run(OTHER))  # a good edit among them
    doc.delete_row_tracked("p007.s01")
    doc.save(built.root / "broken.docx")
    out = imported(built, "broken.docx", code=2)
    assert "p003.s01: merged cells (a cell spans two columns)" in out
    assert "p004.s01: merged cells (a cell spans two rows)" in out
    assert "p004.s02: merged cells (a cell spans two rows)" in out
    assert "p002.s02: its Chinese was changed in the file" in out
    assert "p999.s01: no such row in this edition" in out
    assert "rows missing (deleted?), nothing to import: p005.s01, p007.s01" in out
    assert "1 edited" in out and "5 refused" in out
    assert list(memory(built)) == ["p006.s01"]


def test_characters_no_output_can_hold_refuse_their_row_and_the_rest_imports(built):
    def symbol(code: str) -> str:
        return f'<w:r><w:sym w:font="Arial" w:char="{code}"/></w:r>'

    doc = WordDocx(built.root / HANS)
    doc.set_cell("p003.s01", 2, run("A lone surrogate") + symbol("D800") + run("."))
    doc.set_cell("p004.s01", 2, run("A bell") + symbol("0007") + run("."))
    doc.set_cell("p005.s01", 2, run("No such code point") + symbol("FFFFFFFF") + run("."))
    doc.set_cell("p006.s01", 2, run(OTHER))
    doc.append_paragraph("p006.s01", 3, run("An escape") + symbol("001B"))
    doc.set_cell("p007.s01", 2, run(EDIT))
    doc.save(built.root / "odd.docx")
    out = imported(built, "odd.docx", code=2)
    assert "odd.docx: p003.s01: the English holds U+D800 (lone surrogate)" in out
    assert "odd.docx: p004.s01: the English holds U+0007" in out
    assert "odd.docx: p006.s01: a note holds U+001B (ESCAPE)" in out
    assert "2 edited, 43 unchanged, 3 refused" in out
    entries = memory(built)
    assert entries["p005.s01"]["english"] == "No such code point."
    assert entries["p007.s01"]["english"] == EDIT and sorted(entries) == ["p005.s01", "p007.s01"]


def test_an_emptied_english_cell_is_refused(built):
    word_edit(built, HANS, "empty.docx", p003_s01="")
    assert "p003.s01: English cell is empty" in imported(built, "empty.docx", code=2)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("review.odt", None, "a .odt file, not a bilingual edition; open it in Word"),
        ("review.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "save it as Word .docx"),
        ("review.rtf", b"{\\rtf1\\ansi hello}", "a .rtf file, not a bilingual edition"),
        ("rtf.docx", b"{\\rtf1\\ansi hello}", "an RTF file, not a DOCX; open it in Word"),
        ("doc.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "save it as Word .docx"),
        ("text.docx", b"just text", "not a Word document"),
    ],
)
def test_files_editors_send_that_are_not_docx_get_one_clear_line(built, name, data, message):
    (built.root / name).write_bytes(data or b"PK\x03\x04")
    out = imported(built, name, code=2)
    assert message in out and "Traceback" not in out


@pytest.mark.parametrize("target", ["odt", "doc", "rtf"])
def test_what_libreoffice_saves_in_other_formats_is_refused_clearly(built, tmp_path, target):
    from conftest import libreoffice

    saved = libreoffice(built.root / HANS, tmp_path, target)
    out = imported(built, str(saved), code=2)
    assert "save it as Word .docx" in out and "Traceback" not in out
    renamed = built.root / "renamed.docx"  # the same file behind a .docx name
    shutil.copy(saved, renamed)
    assert "save it as Word .docx" in imported(built, "renamed.docx", code=2)


def _damage(path: Path, part: str, how: str) -> None:
    """Damage one member of a zip in place: its deflate stream, its compression method (one
    zipfile does not know), or its encryption flag (a password-protected member)."""
    import struct
    import zipfile

    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    if how == "deflate":
        name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
        start = info.header_offset + 30 + name_length + extra_length
        data[start : start + 8] = b"\xff" * 8  # a block of the reserved type 3
    else:
        central = data.find(b"PK\x01\x02")
        while data[central + 46 : central + 46 + len(part)] != part.encode():
            central = data.find(b"PK\x01\x02", central + 1)
        if how == "method":
            struct.pack_into("<H", data, central + 10, 97)  # WavPack
        else:
            flags = struct.unpack_from("<H", data, central + 8)[0]
            struct.pack_into("<H", data, central + 8, flags | 1)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["deflate", "method", "encrypted"])
def test_a_damaged_docx_is_one_line_and_the_other_files_still_import(built, how):
    word_edit(built, HANS, "good.docx", p003_s01=EDIT)
    damaged = Path(word_edit(built, HANS, "damaged.docx", p004_s01=OTHER))
    _damage(built.root / damaged, "word/document.xml", how)
    out = imported(built, "damaged.docx", "good.docx", code=2)
    assert "damaged.docx: damaged DOCX" in out and "save it again" in out
    assert "1 edited, 47 unchanged" in out
    assert list(memory(built)) == ["p003.s01"]


def test_a_password_protected_docx_says_remove_the_password(built):
    from msoffcrypto.format.ooxml import OOXMLFile  # encrypts as Word does (ECMA-376 agile)

    with open(built.root / HANS, "rb") as plain, open(built.root / "locked.docx", "wb") as out:
        OOXMLFile(plain).encrypt("secret", out)
    out = imported(built, "locked.docx", code=2)
    assert "password-protected; remove the password" in out


def test_a_docx_that_is_not_a_bilingual_edition_is_refused_and_lock_files_skipped(built):
    plain = docx.Document()
    plain.add_paragraph("hello")
    plain.save(str(built.root / "plain.docx"))
    shutil.copy(built.root / HANS, built.root / "dist" / f"~${NAME}.zh-Hans_en.docx")
    result = built.run("import", "plain.docx", *sorted(str(p) for p in built.dist.glob("*.docx")))
    assert result.code == 2
    assert "plain.docx: not a bilingual edition" in result.err
    assert "Word's lock file, not an edition; skipped" in result.err
    assert "0 edited, 96 unchanged" in result.out


def test_a_folder_of_returned_files_is_imported_whole(built):
    from cat_files import XLF, cat_edit

    returned = built.root / "returned"
    returned.mkdir()
    word_edit(built, HANS, "returned/alice.docx", p003_s01=EDIT)
    word_edit(built, HANT, "returned/bob.docx", p004_s01=OTHER)
    assert built.run("export", "xliff").code == 0
    cat_edit(built.root / XLF, returned / "carol.xlf", {"p002.s02": "Carol's English."})
    shutil.copy(built.root / HANS, returned / "~$alice.docx")  # Word's lock file beside it
    (returned / "notes.txt").write_text("not an edition", encoding="utf-8")
    out = imported(built, "returned/")
    assert "3 edited, 141 unchanged, 0 refused, 0 conflicts" in out
    assert "returned/~$alice.docx: Word's lock file, not an edition; skipped" in out
    assert set(memory(built)) == {"p002.s02", "p003.s01", "p004.s01"}
    (built.root / "nothing").mkdir()
    assert "nothing: no edition to import in this folder" in imported(built, "nothing", code=2)


# --- editors' other words -----------------------------------------------------------------------


def test_comments_notes_and_footnotes_are_kept_and_shown_in_the_next_build(built):
    doc = WordDocx(built.root / HANS)
    doc.comment("p003.s01", 2, "Dana", "Is Qihoo the right name here?", ident=1)
    doc.comment("p004.s01", 1, "Eli", "Source typo?", ident=2)
    doc.append_paragraph("p002.s02", 3, run("Ask the author about this figure."))
    doc.footnote("p003.s01", 2, "Qihoo 360 is listed in Shanghai.")
    doc.save(built.root / "notes.docx")
    out = imported(built, "notes.docx")
    assert "0 edited, 48 unchanged" in out and "4 notes kept" in out
    entries = memory(built)
    assert entries["p003.s01"]["english"] is None  # a note alone freezes no machine English
    assert entries["p003.s01"]["notes"] == [
        "comment (Dana): Is Qihoo the right name here?",
        "footnote: Qihoo 360 is listed in Shanghai.",
    ]
    assert entries["p004.s01"]["notes"] == ["comment (Eli): Source typo?"]
    assert entries["p002.s02"]["notes"] == ["Ask the author about this figure."]
    counts = report(built)
    assert counts["memory"] == 0 and counts["translated"] == 0
    for path in (HANS, HANT):
        assert "editor: comment (Dana): Is Qihoo" in rows(built, path)["p003.s01"][3]
        assert "editor: Ask the author" in rows(built, path)["p002.s02"][3]
    # The next edition carries the notes in its base: returning it adds nothing.
    assert "0 notes kept" in imported(built, HANS)


def test_text_outside_the_table_is_reported_not_dropped_silently(built):
    doc = WordDocx(built.root / HANS)
    body = doc.document.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body")
    from word_xml import fragment

    body.insert(len(body) - 1, fragment(f"<w:p>{run('Please also fix the headline.')}</w:p>")[0])
    doc.save(built.root / "outside.docx")
    out = imported(built, "outside.docx")
    assert "text outside the table is not imported: «Please also fix the headline.»" in out


# --- incremental builds -------------------------------------------------------------------------


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


def test_changes_recorded_by_libreoffice_itself_are_imported(built, tmp_path):
    """LibreOffice, driven through its own API, records the edit as tracked changes and saves
    with its Word filter: the file an editor using LibreOffice hands back."""
    python = shutil.which("python3", path="/usr/bin")
    if python is None or subprocess.run([python, "-c", "import uno"]).returncode != 0:
        pytest.skip("LibreOffice's Python bridge is not installed: apt-get install python3-uno")
    source = tmp_path / f"{NAME}.zh-Hans_en.docx"
    shutil.copy(built.root / HANS, source)  # a folder of its own: LibreOffice leaves lock files
    edited = built.root / "lo-edited.docx"
    script = Path(__file__).parent / "libreoffice_edit.py"
    subprocess.run(
        [python, str(script), str(source), str(edited), "--track", f"p003.s01={EDIT}",
         f"p004.s01={OTHER}"],
        check=True, timeout=240, capture_output=True,
    )  # fmt: skip
    out = imported(built, "lo-edited.docx")
    assert "2 edited, 46 unchanged, 0 refused" in out and "2 rows with tracked changes" in out
    entries = memory(built)
    assert entries["p003.s01"]["english"] == EDIT and entries["p004.s01"]["english"] == OTHER
