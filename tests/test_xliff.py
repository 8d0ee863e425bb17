"""XLIFF out and back: a CAT tool's edits come back by the DOCX import's rules, inline tags are
handled or refused by ID and never reach the English, and the files meet the OASIS schemas."""

from __future__ import annotations

import shutil

import pytest
from cat_files import (
    NAME,
    X2,
    X12,
    XLF,
    cat_edit,
    docx_english,
    export,
    memory,
    target_of,
    units,
    xliff_schema,
)
from lxml import etree

from conftest import Project

EDIT = "Yesterday Zhou Hongyi, chairman of Qihoo 360, wrote on Weibo about OpenAI's Sora."
CHINESE_P003 = "昨日,360董事长周鸿祎在微博发文,谈到OpenAI的文字转视频模型Sora。"


def imported(project: Project, *files: str, code: int = 0) -> str:
    result = project.run("import", *files)
    assert result.code == code, result.out + result.err
    assert "Traceback" not in result.err
    return result.out + result.err


@pytest.fixture
def built(project) -> Project:
    assert project.run("build").code == 0
    return project


# Inline markup as CAT tools write it: a formatting wrapper and a comment annotation.
MARKUP = {
    "2.1": (
        'Yesterday Zhou Hongyi, chairman of <pc id="1">Qihoo 360</pc>, wrote on Weibo about '
        '<mrk id="m1" type="comment" value="check the company name">OpenAI\'s Sora</mrk>.'
    ),
    "1.2": (
        'Yesterday Zhou Hongyi, chairman of <g id="1">Qihoo 360</g>, wrote on Weibo about '
        '<mrk mtype="x-note" comment="check the company name">OpenAI\'s Sora</mrk>.'
    ),
}


@pytest.mark.parametrize("version", ["2.1", "1.2"])
def test_round_trip_export_edit_in_a_cat_tool_import_build(built, version):
    path = export(built, "--xliff-version", version)
    assert units(path)["p003.s01"].tag == (
        f"{{{X12}}}trans-unit" if version == "1.2" else f"{{{X2}}}unit"
    )
    assert "0 edited, 48 unchanged, 0 refused" in imported(built, XLF)  # untouched: nothing

    cat_edit(path, built.root / "back.xlf", {"p003.s01": MARKUP[version]})
    out = imported(built, "back.xlf")
    assert "1 edited, 47 unchanged, 0 refused, 0 conflicts" in out
    assert "formatting tags dropped from the English, its text kept: p003.s01" in out
    entry = memory(built)[CHINESE_P003]
    assert entry["english"] == EDIT and entry["id"] == "p003.s01"
    assert entry["notes"] == ["comment: check the company name"]
    before = (built.root / "tm" / "memory.jsonl").read_bytes()
    assert "0 edited, 48 unchanged" in imported(built, "back.xlf")  # twice: nothing changes
    assert (built.root / "tm" / "memory.jsonl").read_bytes() == before

    assert built.run("build").code == 0
    assert docx_english(built, "zh-Hans")["p003.s01"] == EDIT
    assert docx_english(built, "zh-Hant")["p003.s01"] == EDIT  # the Traditional shares it
    for code in ("zh-Hans", "zh-Hant"):
        assert EDIT in (built.dist / f"{NAME}.{code}_en.md").read_text(encoding="utf-8")
    # The next export shows the edit as reviewed, with the editor's note.
    unit = units(export(built, "--xliff-version", version))["p003.s01"]
    assert target_of(unit).text == EDIT
    state = target_of(unit).get("state") or unit.find(f"{{{X2}}}segment").get("state")
    assert state == ("signed-off" if version == "1.2" else "reviewed")
    notes = [n.text for n in unit.iter(f"{{{X2}}}note", f"{{{X12}}}note")]
    assert "editor: comment: check the company name" in notes


@pytest.mark.parametrize(
    ("fragment", "code"),
    [
        ('He wrote <ph id="1"/> on Weibo.', '<ph id="1"/>'),
        ('He wrote <sc id="2"/>on Weibo.', None),  # a paired code's start: dropped, text kept
        ('He wrote <cp hex="0007"/> on Weibo.', "U+0007"),
        ('He wrote <cp hex="FDD0"/> on Weibo.', "U+FDD0 (noncharacter)"),
        ('He wrote <cp hex="110000"/> on Weibo.', "cp hex='110000'"),
        ('He wrote<cp hex="000D"/>on Weibo.', None),  # a line break: a space, as in the DOCX
    ],
)
def test_inline_codes_never_reach_the_english(built, fragment, code):
    export(built)
    cat_edit(built.root / XLF, built.root / "back.xlf", {"p003.s01": fragment})
    if code is None:
        assert "1 edited" in imported(built, "back.xlf")
        assert memory(built)[CHINESE_P003]["english"] == "He wrote on Weibo."
        return
    out = imported(built, "back.xlf", code=2)
    assert "back.xlf: p003.s01: the English holds" in out and code in out
    assert "0 edited, 47 unchanged, 1 refused" in out
    assert memory(built) == {}


def test_xliff_1_2_placeholder_and_bpt_in_the_target(built):
    export(built, "--xliff-version", "1.2")
    edits = {
        "p003.s01": 'Zhou <x id="1"/> wrote.',
        "p004.s01": 'He <bpt id="1">&lt;b&gt;</bpt>said<ept id="1">&lt;/b&gt;</ept> so.',
    }
    cat_edit(built.root / XLF, built.root / "back.xlf", edits)
    out = imported(built, "back.xlf", code=2)
    assert 'p003.s01: the English holds an inline code <x id="1"/>' in out
    assert "1 edited, 46 unchanged, 1 refused" in out
    assert [e["english"] for e in memory(built).values()] == ["He said so."]


def test_untranslated_units_are_not_edits(built):
    """CAT tools leave untranslated units empty or with a copy of the source."""
    export(built)
    cat_edit(built.root / XLF, built.root / "back.xlf", {"p003.s01": "", "p004.s01": "他说。"})
    path = built.root / "back.xlf"
    tree = etree.parse(str(path))
    unit = next(u for u in tree.iter(f"{{{X2}}}unit") if u.get("id") == "p004.s01")
    target_of(unit).text = unit.find(f"{{{X2}}}segment/{{{X2}}}source").text
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    out = imported(built, "back.xlf")
    assert "0 edited, 48 unchanged, 0 refused" in out
    assert "2 units not translated (target empty or a copy of the source)" in out


def test_a_unit_whose_source_changed_is_refused_by_id(built):
    export(built)
    tree = etree.parse(str(built.root / XLF))
    unit = next(u for u in tree.iter(f"{{{X2}}}unit") if u.get("id") == "p003.s01")
    unit.find(f"{{{X2}}}segment/{{{X2}}}source").text = "另一句话。"
    target_of(unit).text = EDIT
    tree.write(str(built.root / "back.xlf"), encoding="UTF-8", xml_declaration=True)
    out = imported(built, "back.xlf", code=2)
    assert "back.xlf: p003.s01: its Chinese was changed in the file; only English is taken" in out
    assert memory(built) == {}


def test_an_xliff_and_a_docx_that_disagree_are_a_conflict_in_either_order(built):
    from word_xml import WordDocx, run

    export(built)
    cat_edit(built.root / XLF, built.root / "cat.xlf", {"p003.s01": "From the CAT tool."})
    word = WordDocx(built.root / f"dist/{NAME}.zh-Hant_en.docx")
    word.set_cell("p003.s01", 2, run("From Word."))
    word.save(built.root / "word.docx")
    assert "1 edited" in imported(built, "cat.xlf")
    out = imported(built, "word.docx", code=2)
    assert "conflict: the memory now reads «From the CAT tool.»" in out
    assert memory(built)[CHINESE_P003]["english"] == "From the CAT tool."


def test_a_translators_note_is_kept_and_ours_are_not_reimported(built):
    export(built, "--xliff-version", "1.2")
    tree = etree.parse(str(built.root / XLF))
    unit = next(u for u in tree.iter(f"{{{X12}}}trans-unit") if u.get("id") == "p004.s01")
    note = etree.SubElement(unit, f"{{{X12}}}note", {"from": "translator"})
    note.text = "Source quotes Weibo; keep the tense."
    tree.write(str(built.root / "back.xlf"), encoding="UTF-8", xml_declaration=True)
    assert (
        "0 edited, 48 unchanged, 0 refused, 0 conflicts; 0 rows with tracked changes, 1 notes"
        in (imported(built, "back.xlf"))
    )
    (entry,) = memory(built).values()
    assert entry["english"] is None and entry["notes"] == ["Source quotes Weibo; keep the tense."]


def test_an_article_whose_name_has_a_space_comes_back_under_any_file_name(project):
    seeds = project.root / "seeds"
    (seeds / f"{NAME}.txt").rename(seeds / "my article.txt")
    assert project.run("export", "xliff").code == 0
    exported = project.root / "dist" / "my article.zh-Hans_en.xlf"
    cat_edit(exported, project.root / "back.xlf", {"p003.s01": EDIT})  # saved as another name
    out = imported(project, "back.xlf")
    assert "1 edited, 47 unchanged, 0 refused" in out and "not known to this project" not in out
    assert memory(project)[CHINESE_P003]["english"] == EDIT


def test_the_base_inside_the_file_serves_when_the_project_state_is_lost(built):
    export(built, "--xliff-version", "1.2")
    cat_edit(built.root / XLF, built.root / "back.xlf", {"p003.s01": EDIT})
    shutil.rmtree(built.root / ".bilingual")
    out = imported(built, "back.xlf")
    assert "1 edited, 47 unchanged, 0 refused" in out and "not known to this project" not in out


def test_with_no_identity_and_no_state_only_new_english_counts(built):
    path = export(built)
    tree = etree.parse(str(path))
    root = tree.getroot()
    for element in list(root.iter("{urn:oasis:names:tc:xliff:metadata:2.0}metadata")):
        element.getparent().remove(element)
    for notes in list(root.iter(f"{{{X2}}}notes")):
        notes.getparent().remove(notes)
    stripped = built.root / "stripped.xlf"
    tree.write(str(stripped), encoding="UTF-8", xml_declaration=True)
    # No identity, no base in the file: an edit is English the project never wrote.
    cat_edit(stripped, built.root / f"{NAME}.zh-Hans_en.xlf", {"p003.s01": EDIT})
    out = imported(built, f"{NAME}.zh-Hans_en.xlf")
    assert "not known to this project" in out and "1 edited, 47 unchanged" in out
    # And the project state lost too: only the memory is left (tm/ is committed), so a row it
    # has no record of is refused, never guessed to be an edit or machine English.
    shutil.rmtree(built.root / ".bilingual")
    cat_edit(stripped, built.root / f"{NAME}.zh-Hans_en (2).xlf", {"p003.s01": EDIT,
             "p004.s01": "Zhou Hongyi said AI will not upend every industry."})  # fmt: skip
    out = imported(built, f"{NAME}.zh-Hans_en (2).xlf", code=2)
    assert "0 edited, 1 unchanged, 47 refused" in out
    assert "p004.s01: no record of the English this row was built with" in out
    assert [e["english"] for e in memory(built).values()] == [EDIT]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 not xml", "not XML"),
        (b"", "not XML"),
        (b"<tmx version='1.4'/>", "not an XLIFF file (its root element is <tmx>)"),
        (
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="en" '
            b'trgLang="de"><file id="f"/></xliff>',
            "languages en -> de; bilingual imports XLIFF from Simplified Chinese",
        ),
        (
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file '
            b'original="a" source-language="zh-TW" datatype="plaintext"><body/></file></xliff>',
            "languages zh-TW -> ?",
        ),
        (
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh-CN">'
            b'<file id="a"/><file id="b"/></xliff>',
            "holds more than one document",
        ),
    ],
)
def test_bad_files_get_one_clear_line(built, content, message):
    (built.root / "bad.xlf").write_bytes(content)
    result = built.run("import", "bad.xlf")
    assert result.code == 2 and "Traceback" not in result.err
    assert message in result.err
    line = next(text for text in result.err.splitlines() if message in text)
    assert line.startswith("bad.xlf")


@pytest.mark.parametrize("version", ["2.1", "1.2"])
@pytest.mark.parametrize("targets", ["english", "source"])
def test_exports_validate_against_the_oasis_schemas(built, version, targets):
    schema = xliff_schema(version)
    path = export(built, "--xliff-version", version, "--targets", targets)
    document = etree.parse(str(path))
    assert schema.validate(document), schema.error_log
    root = document.getroot()
    assert root.get("version") == version
    langs = (
        (root.get("srcLang"), root.get("trgLang"))
        if version == "2.1"
        else (root[0].get("source-language"), root[0].get("target-language"))
    )
    assert langs == ("zh-Hans", "en")
    assert len(units(path)) == 48


# The README's table: status (DOCX Notes) -> (2.1 state, subState), (1.2 state, qualifier).
STATES = {
    "machine": (("initial", "bilingual:machine"), ("needs-review-translation", "mt-suggestion")),
    "machine, needs review": (
        ("initial", "bilingual:machine"),
        ("needs-review-translation", "mt-suggestion"),
    ),
    "edited": (("reviewed", "bilingual:edited"), ("signed-off", "leveraged-tm")),
    "edited, needs review": (("translated", None), ("translated", "leveraged-tm")),
    "copied": (("translated", None), ("translated", None)),
}


def test_states_and_notes_follow_the_documented_mapping(built):
    unit = units(export(built))["p003.s01"]
    notes = {n.get("category"): n.text for n in unit.iter(f"{{{X2}}}note")}
    assert notes["bilingual:status"].startswith("status: machine")
    terms = [n.text for n in unit.iter(f"{{{X2}}}note") if n.get("category") == "bilingual:term"]
    assert "term: 周鸿祎 = Zhou Hongyi (founder and chairman of Qihoo 360)" in terms

    flagged = "Zhou Hongyi said，AI will not upend every industry."  # Chinese punctuation
    cat_edit(built.root / XLF, built.root / "back.xlf", {"p003.s01": EDIT, "p004.s01": flagged})
    assert "2 edited" in imported(built, "back.xlf")
    seen = set()
    for version in ("2.1", "1.2"):
        for unit in units(export(built, "--xliff-version", version)).values():
            texts = [n.text or "" for n in unit.iter(f"{{{X2}}}note", f"{{{X12}}}note")]
            status = next(t for t in texts if t.startswith("status: "))[len("status: ") :]
            seen.add(status)
            if version == "2.1":
                segment = unit.find(f"{{{X2}}}segment")
                state, sub_state = segment.get("state"), segment.get("subState")
                expected = STATES[status][0]
                assert state == expected[0], (unit.get("id"), status, state)
                assert expected[1] is None or sub_state == expected[1]
            else:
                target = target_of(unit)
                got = (target.get("state"), target.get("state-qualifier"))
                assert got == STATES[status][1], (unit.get("id"), status, got)
                assert (unit.get("approved") == "yes") == (status == "edited")
    assert {"machine, needs review", "edited", "edited, needs review", "copied"} <= seen


def test_xliff_is_an_output_a_build_can_write(built):
    assert not (built.root / XLF).exists()  # not written by default
    result = built.run("build", "--outputs", "xliff,qa")
    assert result.code == 0, result.err
    assert (built.root / XLF).is_file()
    (built.root / "bilingual.toml").write_text('outputs = ["xliff"]\nxliff_version = "1.2"\n')
    assert built.run("build").code == 0
    assert etree.parse(str(built.root / XLF)).getroot().get("version") == "1.2"


def test_export_names_unknown_documents_plainly(built):
    result = built.run("export", "xliff", "no-such-article")
    assert result.code == 2
    assert "no source named 'no-such-article' (documents: zhou-hongyi-on-sora)" in result.err
